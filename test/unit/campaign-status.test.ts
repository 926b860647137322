import { describe, expect, it } from 'vitest';
import { decideStatusChange } from '#domain/campaign.ts';

describe('campaign status requests (§4.1)', () => {
  it('leaves a running campaign unchanged when asked to run again', () => {
    expect(decideStatusChange('run', 'run')).toEqual({ kind: 'unchanged' });
  });
  it('runs a stopped or stopping campaign', () => {
    expect(decideStatusChange('stop', 'run')).toEqual({ kind: 'run' });
    expect(decideStatusChange('stopping', 'run')).toEqual({ kind: 'run' });
  });
  it('leaves a stopped campaign unchanged when asked to stop', () => {
    expect(decideStatusChange('stop', 'stop')).toEqual({ kind: 'unchanged' });
  });
  it('stops a running or stopping campaign', () => {
    expect(decideStatusChange('run', 'stop')).toEqual({ kind: 'stop' });
    expect(decideStatusChange('stopping', 'stop')).toEqual({ kind: 'stop' });
  });
});
