/** An address: only type + target matter for dialing; the rest is display data. */
export const addressTypes = [
  '',
  'tel',
  'sip',
  'agent',
  'conference',
  'email',
  'extension',
  'line',
  'web_session',
  'ai',
  'ai_team',
  'webchat',
  'whatsapp',
] as const;
export type AddressType = (typeof addressTypes)[number];

export interface Address {
  type: AddressType;
  target: string;
  target_name: string;
  name: string;
  detail: string;
}
