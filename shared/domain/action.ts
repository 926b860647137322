/** A flow action as VoIPBIN's flow-manager shapes it; stored verbatim on the campaign. */
export interface Action {
  id: string;
  next_id: string;
  type: string;
  option: Record<string, unknown>;
}
