import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildStreamHandler } from '#functions/events/stream-handler.ts';
import { imageToItem } from '#functions/events/stream-images.ts';
import type { DeliveryJob } from '#ports/event-sink.ts';
import { toWireAttribute } from '../../infra/local/events-runtime.ts';
import { aCampaigncallItem } from '../support/factories/items.ts';

describe('stream image conversion', () => {
  it('reads an empty map however it comes: {"M":{}} from Lambda, {} from the local stream client', () => {
    expect(
      imageToItem({
        a: { M: {} },
        b: {} as never,
        c: { M: { x: {} as never, y: { L: [{} as never, { L: [] }] } } },
      }),
    ).toEqual({ a: {}, b: {}, c: { x: {}, y: [{}, []] } });
  });

  it('reads numbers as the API wrote them, never as a BigInt a JSON body cannot carry', () => {
    const item = imageToItem({
      small: { N: '1.5' },
      big: { N: '123456789012345678901' },
      neg: { N: '-0.001' },
    });
    expect(item).toEqual({ small: 1.5, big: Number('123456789012345678901'), neg: -0.001 });
    expect(() => JSON.stringify(item)).not.toThrow();
  });

  it('reads every other attribute type', () => {
    expect(
      imageToItem({
        s: { S: '' },
        t: { BOOL: false },
        n: { NULL: true },
        ss: { SS: ['a'] },
        ns: { NS: ['1', '2'] },
        b: { B: 'AQI=' as never },
      }),
    ).toEqual({
      s: '',
      t: false,
      n: null,
      ss: new Set(['a']),
      ns: new Set([1, 2]),
      b: new Uint8Array([1, 2]),
    });
  });

  it('gives the local stream client’s attributes the shape Lambda delivers', () => {
    expect(toWireAttribute({})).toEqual({ M: {} });
    expect(toWireAttribute({ M: { x: {}, y: { L: [{}] } } })).toEqual({
      M: { x: { M: {} }, y: { L: [{ M: {} }] } },
    });
    expect(toWireAttribute({ B: new Uint8Array([1, 2]) })).toEqual({ B: 'AQI=' });
    expect(toWireAttribute({ S: 'x' })).toEqual({ S: 'x' });
  });
});

describe('stream handler with an unreadable record', () => {
  const record = (seq: string, image: unknown): DynamoDBRecord => ({
    eventID: `e${seq}`,
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: seq, NewImage: image as never },
  });

  it('queues the records before it and reports it, so it is retried and then set aside', async () => {
    const jobs: DeliveryJob[] = [];
    const handler = buildStreamHandler({
      accesskeys: {
        getCustomer: async (id) => ({
          id,
          name: 'c',
          detail: '',
          webhook_uri: 'https://example.com/hooks',
          tm_create: '2026-01-01T00:00:00.000Z',
          tm_update: null,
          tm_delete: null,
        }),
      },
      ids: { hash: (s) => Buffer.from(s).toString('hex').padEnd(32, '0').slice(-32) },
      sink: {
        enqueue: async (js) => {
          jobs.push(...js);
          return [];
        },
      },
    });
    const ok = (id: string) => ({
      pk: { S: `campaigncall#${id}` },
      sk: { S: 'campaigncall' },
      et: { S: 'campaigncall' },
      id: { S: id },
      customer_id: { S: 'cust-1' },
      status: { S: 'dialing' },
      result: { S: '' },
      tm_create: { S: aCampaigncallItem().tm_create },
      option: {},
    });
    const out = await handler({
      Records: [record('1', ok('a')), record('2', { id: { X: 'no such type' } }), record('3', ok('c'))],
    });
    expect(jobs.map((j) => j.data.id)).toEqual(['a']);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
  });
});
