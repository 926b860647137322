/** Drawing in the terminal: a progress bar that redraws in place, and plain lines when not a terminal. */

export const bar = (done: number, total: number, width = 30) => {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(share * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(Math.floor(share * 100)).padStart(3)} %`;
};

export const n = (x: number | undefined) => (x === undefined ? '–' : x.toLocaleString('en-US'));

/**
 * One status line: redrawn in place on a terminal; elsewhere (a pipe, a log) printed as a new line
 * only when `milestone` changes, so a log gets a line per step and not per redraw.
 */
export const statusLine = (out: NodeJS.WriteStream) => {
  let lastMilestone: unknown;
  return {
    draw(text: string, milestone: unknown) {
      if (out.isTTY) out.write(`\r\x1b[2K${text}`);
      else if (milestone !== lastMilestone) out.write(`${text}\n`);
      lastMilestone = milestone;
    },
    end() {
      if (out.isTTY) out.write('\n');
    },
  };
};
