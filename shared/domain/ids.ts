/** "Not set" for every *_id reference field is the nil UUID, never null, as in VoIPBIN. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export const isNil = (id: string | undefined | null): boolean => !id || id === NIL_UUID;

/** Normalises "" / undefined / nil to the nil UUID so stored references have one shape. */
export const orNil = (id: string | undefined | null): string => (isNil(id) ? NIL_UUID : (id as string));
