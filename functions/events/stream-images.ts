/**
 * A stream record's image (DynamoDB AttributeValue JSON, as Lambda delivers it) → the item as the
 * document client would read it. Our own conversion rather than `unmarshall`, so that no shape the
 * API can store throws: an empty map with no member at all (`{}`, as DynamoDB Local's stream client
 * returns `{"M":{}}`) is still an empty map, and a number is a JS number as the API wrote it (never
 * a BigInt, which no JSON body can carry).
 */
import type { DynamoDBRecord } from 'aws-lambda';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
type Attribute = Image[string];

/** Thrown for an attribute of no type this table can hold; the record is then set aside, not retried. */
export class UnreadableImage extends Error {}

const fromBase64 = (b: unknown) =>
  b instanceof Uint8Array ? b : new Uint8Array(Buffer.from(String(b), 'base64'));

export const attributeToValue = (a: Attribute): unknown => {
  if (a === null || typeof a !== 'object') throw new UnreadableImage(`not an attribute value: ${String(a)}`);
  const v = a as Record<string, unknown>;
  if ('S' in v) return v.S;
  if ('N' in v) return Number(v.N);
  if ('BOOL' in v) return v.BOOL;
  if ('NULL' in v) return null;
  if ('M' in v) return imageToItem(v.M as Image);
  if ('L' in v) return (v.L as Attribute[]).map(attributeToValue);
  if ('SS' in v) return new Set(v.SS as string[]);
  if ('NS' in v) return new Set((v.NS as string[]).map(Number));
  if ('B' in v) return fromBase64(v.B);
  if ('BS' in v) return new Set((v.BS as unknown[]).map(fromBase64));
  // An attribute value with no member can only be an empty map whose `M` a client dropped.
  if (Object.keys(v).length === 0) return {};
  throw new UnreadableImage(`unknown attribute type ${Object.keys(v).join(',')}`);
};

export const imageToItem = (image: Image): Record<string, unknown> => {
  const item: Record<string, unknown> = {};
  for (const [k, a] of Object.entries(image ?? {})) item[k] = attributeToValue(a);
  return item;
};
