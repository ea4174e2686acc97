import { readFileSync } from "node:fs";

const TICK_US = 1_000_000 / 100; // USER_HZ is 100 on Linux

/** A process's CPU time so far (user + system), in microseconds, from /proc/<pid>/stat. */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

/** Resident memory in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** The machine's busy CPU time so far over all cores, in microseconds, from /proc/stat. */
export function machineBusyMicros(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]! + cpu[7]!;
  return busy * TICK_US;
}

/**
 * Watches everything the bench runs (its own pids plus this process) and the machine: what the machine
 * spent beyond them is "other" CPU, someone else's load, which makes the figures unreliable.
 */
export class MachineWatch {
  private start = { machine: 0, ours: 0, at: 0 };
  constructor(private readonly pids: () => number[]) {}

  private ours(): number {
    let sum = cpuMicros(process.pid);
    for (const pid of this.pids()) {
      try {
        sum += cpuMicros(pid);
      } catch {
        // exited
      }
    }
    return sum;
  }

  begin(): void {
    this.start = { machine: machineBusyMicros(), ours: this.ours(), at: performance.now() };
  }

  /** Other processes' CPU since begin(), as a share of one core (0.25 = a quarter of a core). */
  otherCores(): number {
    const elapsedUs = (performance.now() - this.start.at) * 1000;
    const other = machineBusyMicros() - this.start.machine - (this.ours() - this.start.ours);
    return Math.max(0, other / elapsedUs);
  }
}

/** Other load on the machine before anything starts, as cores, sampled over `ms`. */
export async function idleCheck(ms = 2000): Promise<number> {
  const watch = new MachineWatch(() => []);
  watch.begin();
  await new Promise((r) => setTimeout(r, ms));
  return watch.otherCores();
}

/** Samples a process's RSS every 200 ms; `peak` is the highest seen. */
export function rssSampler(pid: number) {
  let peak = rssMb(pid);
  // The peak since mark() (the SSE scenario's storm, after its connects).
  let since = 0;
  const timer = setInterval(() => {
    try {
      const now = rssMb(pid);
      peak = Math.max(peak, now);
      since = Math.max(since, now);
    } catch {
      clearInterval(timer);
    }
  }, 200);
  timer.unref();
  return {
    get peak() {
      return peak;
    },
    mark: () => {
      since = rssMb(pid);
    },
    get peakSinceMark() {
      return since;
    },
    stop: () => clearInterval(timer),
  };
}
