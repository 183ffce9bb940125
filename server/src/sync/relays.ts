/* eslint-disable @typescript-eslint/no-explicit-any -- Yjs types its shared types as AbstractType<any> */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

type DecodedStruct = ReturnType<typeof Y.decodeUpdate>['structs'][number];
interface Range {
  clock: number;
  len: number;
}

/**
 * Whether an item of the server's document is a record's field value as it stands: an entry of a
 * map whose own parent is a map (a record in a collection), and the latest for its key.
 */
function isCurrentFieldValue(item: Y.Item): boolean {
  if (item.deleted || item.parentSub === null) return false;
  const record = item.parent as Y.AbstractType<any>;
  if (!(record instanceof Y.Map) || !record._item) return false;
  return record._map.get(item.parentSub) === item;
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
 * records without a value until the colleague returns, and a rule check would refuse the gap.
 * This takes from the delete set every deletion of a record field's current value that no struct
 * left in the update replaces; the deletion comes back with the value that replaces it.
 */
export function withoutOrphanedDeletions(doc: Y.Doc, update: Uint8Array): Uint8Array {
  const { structs, ds } = Y.decodeUpdate(update);
  if (ds.clients.size === 0) return update;
  // A map entry replacing another names the one it replaces as its origin.
  const replaced = new Set<string>();
  for (const struct of structs) {
    if (struct instanceof Y.Item && struct.parentSub !== null && struct.origin) {
      replaced.add(`${struct.origin.client}:${struct.origin.clock}`);
    }
  }
  let changed = false;
  const kept = new Map<number, Range[]>();
  for (const [client, ranges] of ds.clients) {
    const out: Range[] = [];
    kept.set(client, out);
    const stored = doc.store.clients.get(client);
    for (const { clock, len } of ranges) {
      let from = clock;
      const end = clock + len;
      const keep = (to: number) => {
        if (to > from) out.push({ clock: from, len: to - from });
      };
      const lastStored = stored?.[stored.length - 1];
      if (stored && lastStored && clock < lastStored.id.clock + lastStored.length) {
        for (let i = Y.findIndexSS(stored, clock); i < stored.length; i++) {
          const struct = stored[i]!;
          const start = struct.id.clock;
          if (start >= end) break;
          if (start + struct.length <= clock) continue;
          if (!(struct instanceof Y.Item) || !isCurrentFieldValue(struct)) continue;
          const last = start + struct.length - 1;
          if (replaced.has(`${client}:${last}`)) continue;
          keep(Math.max(start, clock));
          from = Math.min(end, last + 1);
          changed = true;
        }
      }
      keep(end);
    }
  }
  return changed ? encodeUpdate(structs, kept) : update;
}
