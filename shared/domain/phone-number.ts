/**
 * Phone numbers as one person: `+1 (415) 555-0100`, `+14155550100` and `tel:+14155550100` are the same
 * line, so a suppression, a target's destination and (next) a contact cap must all key it the same
 * way. Parsing is libphonenumber's (a pure library, kept up to date with the numbering plans); we only
 * decide what we accept.
 *
 * Accepted: an international number (`+` and a country code) of a length the country's plan allows,
 * written with the usual separators, optionally as a `tel:` URI. Not required: that the range is
 * assigned. Fictional and test ranges such as +1 555 01xx (used by the README, the tests and VoIPBIN's
 * clients) are not "valid" numbers in libphonenumber's sense, and refusing them would break those
 * clients for no safety gain: a number that cannot ring anyone is harmless to dial and to suppress.
 */
import { type MetadataJson, parsePhoneNumberWithError } from 'libphonenumber-js/core';
// libphonenumber's "min" metadata less the formatting and number-type rules we never use
// (scripts/phone-metadata.ts): a quarter of its size, the same answers.
import metadata from './phone-metadata.json' with { type: 'json' };

export type NormalisedNumber = { ok: true; e164: string } | { ok: false; issue: string };

/** Digits with the separators people write; anything else (letters, `;ext=`, `x12`) is refused. */
const WRITTEN = /^\+[\d\s().\-/]+$/;
const EXTENSION = /;ext=|\bext\b|\dx\d|\sx\s*\d/i;

/** What libphonenumber's parse errors mean to a client. */
const PARSE_ISSUES: Record<string, string> = {
  INVALID_COUNTRY: 'not a known country calling code',
  NOT_A_NUMBER: 'not a phone number',
  TOO_SHORT: 'too short to be a phone number',
  TOO_LONG: 'too long to be a phone number',
  INVALID_LENGTH: 'not a length any number of that country has',
};

/**
 * The E.164 form (`+14155550100`) of a written number, or why it cannot be a phone number at all.
 * Extensions are refused rather than dropped: dialling or suppressing the main line instead of the
 * extension asked for would silently reach (or spare) someone else.
 */
export const normalisePhoneNumber = (written: string): NormalisedNumber => {
  const text = written.trim().replace(/^tel:/i, '');
  if (!text.startsWith('+')) {
    return { ok: false, issue: 'must start with + and the country code, e.g. +14155550100' };
  }
  if (EXTENSION.test(text)) return { ok: false, issue: 'extensions are not supported' };
  if (!WRITTEN.test(text)) {
    return { ok: false, issue: 'only digits and the separators ( ) - . / and spaces may follow the +' };
  }
  try {
    const parsed = parsePhoneNumberWithError(text, metadata as MetadataJson);
    if (!parsed.isPossible()) return { ok: false, issue: 'not a length any number of that country has' };
    return { ok: true, e164: parsed.number };
  } catch (err) {
    const code = err instanceof Error ? err.message : '';
    return { ok: false, issue: PARSE_ISSUES[code] ?? 'not a phone number' };
  }
};
