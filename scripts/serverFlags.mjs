// The Node flags Huddle's server runs with, wherever it is started: `npm start` (given in
// package.json, which a test holds to this list), `npm run start:cluster` and the benches. V8 sizes
// its heap as Node starts, so they cannot be set from inside the server.
//
// --max-semi-space-size: the young generation, where every change's short-lived objects are made.
// Each collection of it holds every board at once for as long as it takes to copy out what is alive
// there, and what lives about a second (each record's last accepted read, replaced at its next
// change) is all alive when collections come a second apart, as they did at 32 MB halves in
// bench:sync (4 ms pauses against the reference server's 2.3). At 4 MB halves they come seven times
// a second, each copying a quarter as much: pauses of 1.5 to 2 ms, the p99 0.5 to 1.8 ms lower in
// three runs, the same CPU and 25 to 30 MB less memory; 2 MB copied no less (README, "Sync").
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=4'];
