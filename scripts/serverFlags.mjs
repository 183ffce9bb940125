// The Node flags Huddle's server runs with, wherever it is started: `npm start` (given in
// package.json, which a test holds to this list), `npm run start:cluster` and the benches. V8 sizes
// its heap as Node starts, so they cannot be set from inside the server.
//
// --max-semi-space-size: the young generation, where every change's short-lived objects are made.
// At V8's default (16 MB halves) a busy server collects it a few times a second, and whatever lives
// across two collections (a board's records as last read, changes waiting for the group commit) is
// copied into the old generation on the way: in bench:sync those collections paused every board for
// 5 to 27 ms at a time, and the old generation grew by 80 MB between full collections. Larger halves
// collect less often and let those objects die young: less collecting, and a shorter tail (figures
// in README, "Sync"), for some more memory.
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];
