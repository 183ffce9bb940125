// The Node flags Huddle's server runs with, wherever it is started: `npm start` (given in
// package.json, which a test holds to this list), `npm run start:cluster` and the benches. V8 sizes
// its heap as Node starts, so they cannot be set from inside the server.
//
// --max-semi-space-size: the young generation, where every change's short-lived objects are made.
// At V8's default (16 MB halves) a busy server collects it a few times a second, and whatever lives
// across two collections (a board's records as last read, changes waiting for the group commit) is
// copied into the old generation on the way: in bench:sync those collections held every board for
// 5 to 27 ms each, three times a second. With 32 MB halves there are half as many, each longer (12 ms
// on average), 11% less time paused in all and less CPU; 64 MB saved a little more CPU but made pauses
// longer still (up to 61 ms while 1,000 clients connected). About 40 to 60 MB more memory (README, "Sync").
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];
