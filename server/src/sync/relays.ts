import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

type DecodedStruct = ReturnType<typeof Y.decodeUpdate>['structs'][number];
interface Range {
  clock: number;
  len: number;
}

/** Re-encodes an update (Yjs format 1) from its structs and a delete set. */
function encodeUpdate(structs: readonly DecodedStruct[], deletes: Map<number, Range[]>): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  const byClient = new Map<number, DecodedStruct[]>();
  for (const struct of structs) {
    const list = byClient.get(struct.id.client);
    if (list) list.push(struct);
    else byClient.set(struct.id.client, [struct]);
  }
  encoding.writeVarUint(encoder.restEncoder, byClient.size);
  for (const [client, list] of [...byClient].sort((a, b) => b[0] - a[0])) {
    encoding.writeVarUint(encoder.restEncoder, list.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, list[0]!.id.clock);
    for (const struct of list) struct.write(encoder, 0);
  }
  const clients = [...deletes].filter(([, ranges]) => ranges.length > 0).sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(encoder.restEncoder, clients.length);
  for (const [client, ranges] of clients) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const range of ranges) {
      encoder.writeDsClock(range.clock);
      encoder.writeDsLen(range.len);
    }
  }
  return encoder.toUint8Array();
}

/**
 * A browser reconnecting after the server lost recent changes (a crash) hands back everything the
 * server lacks, colleagues' changes too. Those are dropped (their authors hand them back), but the
 * update's delete set still removes the field values they replaced, so applying it would leave
 * records without a value until the colleague returns (and a rule check would refuse the gap, and
 * undo the record). This takes out of the delete set every deletion of a record field's value,
 * in the server's document or in the update itself: none is needed, as a map entry replacing another
 * deletes it when it is applied, and Huddle never deletes a field. What text deletions and removed
 * records it carries stay.
 */
export function withoutFieldDeletions(doc: Y.Doc, update: Uint8Array): Uint8Array {
  const { structs, ds } = Y.decodeUpdate(update);
  if (ds.clients.size === 0) return update;
  const incoming = new Map<number, DecodedStruct[]>();
  for (const struct of structs) {
    const list = incoming.get(struct.id.client);
    if (list) list.push(struct);
    else incoming.set(struct.id.client, [struct]);
  }
  const find = (client: number, clock: number): DecodedStruct | Y.Item | Y.GC | undefined => {
    const stored = doc.store.clients.get(client);
    const last = stored?.[stored.length - 1];
    if (stored && last && clock < last.id.clock + last.length) return stored[Y.findIndexSS(stored, clock)];
    return incoming.get(client)?.find((s) => s.id.clock <= clock && clock < s.id.clock + s.length);
  };
  /** Whether a struct is an entry of a map that is not a collection: a record's field value. */
  const fieldEntry = (struct: DecodedStruct | Y.Item | Y.GC | undefined, depth = 0): boolean => {
    if (!(struct instanceof Y.Item) || depth > 64) return false;
    const parent: unknown = struct.parent;
    if (parent instanceof Y.AbstractType) {
      // Integrated: its parent is known.
      return struct.parentSub !== null && parent instanceof Y.Map && parent._item !== null;
    }
    // Decoded: a first entry names its parent (an id: a nested map, a record) and key; a later one,
    // written after another, names that one as its origin.
    if (struct.parentSub !== null) return parent instanceof Y.ID;
    return struct.origin !== null && fieldEntry(find(struct.origin.client, struct.origin.clock), depth + 1);
  };
  let changed = false;
  const kept = new Map<number, Range[]>();
  for (const [client, ranges] of ds.clients) {
    const out: Range[] = [];
    kept.set(client, out);
    for (const { clock, len } of ranges) {
      const end = clock + len;
      let from = clock;
      for (let at = clock; at < end;) {
        const struct = find(client, at);
        if (!struct) break;
        const next = Math.min(end, struct.id.clock + struct.length);
        if (fieldEntry(struct)) {
          if (at > from) out.push({ clock: from, len: at - from });
          from = next;
          changed = true;
        }
        at = next;
      }
      if (end > from) out.push({ clock: from, len: end - from });
    }
  }
  return changed ? encodeUpdate(structs, kept) : update;
}
