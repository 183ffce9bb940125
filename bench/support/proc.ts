import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

let clockTicks: number | undefined;

/** Kernel clock ticks per second (`getconf CLK_TCK`), the unit of utime/stime in /proc/<pid>/stat. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU time a process has used so far, in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3, `state`.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / ticksPerSecond();
}

/** Current (VmRSS) and peak (VmHWM) resident set size of a process, in bytes. */
export function memory(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : NaN;
  };
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

/** Measures a process's CPU use between `start()` and `stop()` as % of one core. */
export class CpuMeter {
  #startCpu = 0;
  #startWall = 0;

  constructor(private readonly pid: number) {}

  start(): void {
    this.#startCpu = cpuSeconds(this.pid);
    this.#startWall = performance.now();
  }

  /** % of one core averaged since `start()`. */
  stop(): number {
    const cpu = cpuSeconds(this.pid) - this.#startCpu;
    const wall = (performance.now() - this.#startWall) / 1000;
    return (cpu / wall) * 100;
  }
}

/** Busy and total CPU time of the whole machine so far, in clock ticks, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * Measures the whole machine's CPU use between `start()` and `stop()`, in % of one core (so up
 * to cores × 100), to show how much other processes took while the benchmark ran.
 */
export class MachineCpuMeter {
  #start = { busy: 0, total: 0 };

  constructor(private readonly cores: number) {}

  start(): void {
    this.#start = machineTicks();
  }

  stop(): number {
    const end = machineTicks();
    const total = end.total - this.#start.total;
    return total > 0 ? ((end.busy - this.#start.busy) / total) * this.cores * 100 : NaN;
  }
}

/** The machine a benchmark ran on, for its results file. */
export function machineDescription(): {
  cpuModel: string;
  cores: number;
  totalMemoryMB: number;
  node: string;
  platform: string;
} {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    totalMemoryMB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}
