import * as ws from 'ws';
import { describe, expect, it } from 'vitest';
import { binaryFrame } from '../src/sync/wireFrames.ts';

/** ws's own framing (`Sender.frame`, public but untyped), as `WebSocket.send` frames a server's binary message. */
const wsFrame = (payload: Uint8Array): Buffer =>
  Buffer.concat(
    (
      ws as unknown as {
        Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
      }
    ).Sender.frame(Buffer.from(payload), { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: true }),
  );

describe('binary frames written straight to a socket', () => {
  it('are the frames ws makes, at every length of header', () => {
    for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 70_000]) {
      const payload = Uint8Array.from({ length }, (_, i) => (i * 7) % 251);
      expect(binaryFrame(payload).equals(wsFrame(payload)), `${length} bytes`).toBe(true);
    }
  });

  it('are made once for a message going to many, and afresh for another with the same bytes', () => {
    const message = new Uint8Array([0, 2, 3, 1, 2, 3]);
    const frame = binaryFrame(message);
    expect(binaryFrame(message)).toBe(frame);
    const other = new Uint8Array(message);
    expect(binaryFrame(other)).not.toBe(frame);
    expect(binaryFrame(other).equals(frame)).toBe(true);
  });
});
