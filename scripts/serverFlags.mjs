// The Node flags Huddle's server runs with, wherever it is started: `npm start` (given in
// package.json, which a test holds to this list), `npm run start:cluster` and the benches. V8 sizes
// its heap as Node starts, so they cannot be set from inside the server.
//
// --max-semi-space-size: the young generation, where every change's short-lived objects are made.
// At V8's default (16 MB halves) a busy server collects it a few times a second, and whatever lives
// across two collections (a board's records as last read, changes waiting for the group commit) is
// copied into the old generation on the way: in bench:sync those collections held every board for
// 5 to 27 ms each, and the old generation grew by 80 MB between full collections. Larger halves are
// collected less often and let such objects die young, for less CPU; but each collection copies what
// is alive, so much larger ones hold everything longer at a time (64 MB: 7 to 15 ms every 2 to 3 s at
// 1,000 clients, up to 61 ms while they connect; the default: 4 to 10 ms every 0.6 s). 32 MB is
// between, for about 60 MB more memory (figures in README, "Sync").
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];
