import { describe, expect, it } from 'vitest';
import {
  bodySha256,
  signedData,
  TWILIO_SIGNATURE_HEADER,
  twilioSignature,
  urlVariants,
  verifyTwilioRequest,
} from '#adapters/telephony/twilio/signature.ts';

// Twilio's published example ("Validating requests"; twilio-python/-php/-csharp validator tests).
const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};
const SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

/** The same parameters as a form body, in a different order than sorted. */
const FORM_BODY =
  'Digits=1234&To=%2B18005551212&From=%2B14158675309&Caller=%2B14158675309&CallSid=CA1234567890ABCDE';

const post = (url: string, rawBody: string, signature?: string) => ({
  method: 'POST' as const,
  url,
  headers: (signature === undefined ? {} : { [TWILIO_SIGNATURE_HEADER]: signature }) as Record<
    string,
    string
  >,
  rawBody,
});

describe('X-Twilio-Signature', () => {
  it("reproduces Twilio's published example signature", () => {
    expect(twilioSignature(TOKEN, URL_, PARAMS)).toBe(SIGNATURE);
  });

  it('signs the URL followed by each parameter name and value, sorted by name', () => {
    expect(signedData(URL_, PARAMS)).toBe(
      `${URL_}CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212`,
    );
  });

  it("reproduces the contract's worked example for a status callback", () => {
    const url = 'https://hooks.outbound.example/telephony/twilio/status?cc=cc-0001';
    const form = { CallSid: 'CA0001', CallStatus: 'completed', CallDuration: '37', SequenceNumber: '3' };
    expect(twilioSignature(TOKEN, url, form)).toBe('jTHg6Ir90stljdokNn4MsGfOx2o=');
  });

  it("signs a repeated parameter's distinct values in sorted order (published vector)", () => {
    const params = new URLSearchParams([
      ['Sid', 'CA123'],
      ['SidAccount', 'AC123'],
      ['Digits', '5678'],
      ['Digits', '1234'],
      ['Digits', '1234'],
    ]);
    expect(twilioSignature(TOKEN, URL_, params)).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });

  it('accepts the published request as a form POST, whatever the order of its fields', () => {
    expect(verifyTwilioRequest(TOKEN, post(URL_, FORM_BODY, SIGNATURE))).toBe(true);
  });

  it('refuses a missing signature, a wrong token, a tampered field and another URL', () => {
    expect(verifyTwilioRequest(TOKEN, post(URL_, FORM_BODY))).toBe(false);
    expect(verifyTwilioRequest('54321', post(URL_, FORM_BODY, SIGNATURE))).toBe(false);
    expect(verifyTwilioRequest(TOKEN, post(URL_, FORM_BODY.replace('1234', '9999'), SIGNATURE))).toBe(false);
    expect(verifyTwilioRequest(TOKEN, post(`${URL_}&extra=1`, FORM_BODY, SIGNATURE))).toBe(false);
    expect(verifyTwilioRequest(TOKEN, post(URL_, FORM_BODY, 'not-a-signature'))).toBe(false);
  });

  it('accepts a signature made over the URL with the default port, or without the given port (published vectors)', () => {
    // Signed over https://mycompany.com:443/… and http://mycompany.com:80/…
    expect(verifyTwilioRequest(TOKEN, post(URL_, FORM_BODY, 'kvajT1Ptam85bY51eRf/AJRuM3w='))).toBe(true);
    expect(
      verifyTwilioRequest(
        TOKEN,
        post(URL_.replace('https', 'http'), FORM_BODY, '0ZXoZLH/DfblKGATFgpif+LLRf4='),
      ),
    ).toBe(true);
    // Signed without the port the receiver sees.
    expect(verifyTwilioRequest(TOKEN, post(URL_.replace('.com', '.com:1234'), FORM_BODY, SIGNATURE))).toBe(
      true,
    );
    expect(urlVariants('https://a.example/x?y=1')).toEqual([
      'https://a.example/x?y=1',
      'https://a.example:443/x?y=1',
    ]);
  });

  it('checks a JSON body by its bodySHA256 and signs the URL alone (published vector)', () => {
    const body = '{"property": "value", "boolean": true}';
    const hash = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';
    expect(bodySha256(body)).toBe(hash);
    const url = `${URL_}&bodySHA256=${hash}`;
    expect(verifyTwilioRequest(TOKEN, post(url, body, 'a9nBmqA0ju/hNViExpshrM61xv4='))).toBe(true);
    expect(
      verifyTwilioRequest(TOKEN, post(url, body.replace('value', 'other'), 'a9nBmqA0ju/hNViExpshrM61xv4=')),
    ).toBe(false);
    expect(verifyTwilioRequest(TOKEN, post(URL_, body, SIGNATURE))).toBe(false);
  });

  it('signs a GET by its URL alone', () => {
    const url = 'https://a.example/hook?CallSid=CA1&CallStatus=ringing';
    const signature = twilioSignature(TOKEN, url);
    expect(
      verifyTwilioRequest(TOKEN, {
        method: 'GET',
        url,
        headers: { [TWILIO_SIGNATURE_HEADER]: signature },
        rawBody: '',
      }),
    ).toBe(true);
  });
});
