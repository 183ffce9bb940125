/** Payloads up to this size keep their frame for the next connection (a board's update going to everyone). */
const REUSED_UP_TO_BYTES = 64 * 1024;
let lastPayload: Uint8Array | null = null;
let lastFrame: Buffer | null = null;

/**
 * `payload` as one binary WebSocket frame (RFC 6455 section 5.2: final, unmasked, as a server
 * sends it), header and payload in one buffer. What a room sends goes to every connection on the
 * board: the frame is made once and written as it is to each, one write a connection, where
 * `WebSocket.send` frames it again for each and writes it in two pieces (ws's maintainers made its
 * framing public for this: websockets/ws#1016). Payloads are never changed once sent.
 */
export function binaryFrame(payload: Uint8Array): Buffer {
  if (payload === lastPayload) return lastFrame!;
  const length = payload.byteLength;
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = 0x82; // FIN, binary
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.set(payload, headerBytes);
  if (length <= REUSED_UP_TO_BYTES) {
    lastPayload = payload;
    lastFrame = frame;
  }
  return frame;
}
