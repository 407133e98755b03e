/**
 * The dynamic provider host process: `@pulumi/pulumi/cmd/dynamic-provider`, started the way the
 * engine starts it, with its output kept line by line.
 */
import { ChildProcess, spawn } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import * as readline from "readline";
import { pulumiDir } from "./protobuf";

/** One line the host printed. After the port line, stdout is what a user sees as info, stderr as errors. */
export interface HostLine {
  /** Which stream it came on. */
  stream: "stdout" | "stderr";
  /** The line, without its line break. */
  text: string;
  /** When it arrived (`Date.now()`). */
  time: number;
}

/** How to start a host. */
export interface HostOptions {
  /**
   * Working directory of the host. `__provider` code is evaluated there, so its
   * `require("pulumi-kvm/…")` resolves through `<cwd>/node_modules`, as in a user's program.
   */
  cwd: string;
  /** The project name (`PULUMI_NODEJS_PROJECT`, `PULUMI_PROJECT`): the default namespace of `config.get`. */
  project: string;
  /** `PULUMI_CONFIG`: the whole stack config, keys with their namespace, as the engine passes it. */
  config?: Record<string, string>;
  /** More environment variables for the host. */
  env?: Record<string, string>;
  /** Options for node itself, before the host's script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: readonly string[];
  /** How long to wait for the port line (ms). */
  startTimeoutMs?: number;
  /** Called with each line printed after the port line, as it arrives (to show progress while a run goes on). */
  onLine?: (line: HostLine) => void;
}

/** The host's entry point, as the engine runs it. */
export const hostScript = path.join(pulumiDir, "cmd", "dynamic-provider", "index.js");

/**
 * Variables that the test process may carry (a Pulumi program, a CI job) but that the engine
 * never passes to a provider host; the host would otherwise read another run's settings.
 */
const STRIPPED_ENV = /^PULUMI_(CONFIG|CONFIG_SECRET_KEYS|NODEJS_\w+|PROJECT|STACK)$/;

/** A running provider host. */
export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    /** The port its gRPC server listens on (127.0.0.1). */
    readonly port: number,
    /** Settles when the process has ended and its output has been read to the end. */
    private readonly exited: Promise<void>,
    /** Every line printed after the port line, in order (still growing while the host runs). */
    readonly lines: HostLine[],
  ) {}

  /** The address to dial. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * The most memory the host has held so far (VmHWM, in KiB), read from /proc while it runs;
   * undefined once it has ended or where /proc does not tell.
   */
  peakRssKiB(): number | undefined {
    if (this.hasExited || this.child.pid === undefined) return undefined;
    try {
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.child.pid}/status`, "utf8"));
      return match?.[1] === undefined ? undefined : Number(match[1]);
    } catch {
      return undefined; // ended meanwhile
    }
  }

  /**
   * The CPU time the host has used so far, all threads, user and system, in milliseconds (from
   * /proc, whose clock ticks are USER_HZ, 100 a second on Linux); undefined once it has ended or
   * where /proc does not tell.
   */
  cpuMs(): number | undefined {
    if (this.hasExited || this.child.pid === undefined) return undefined;
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return undefined; // ended meanwhile
    }
  }

  /** True once the process has ended. */
  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /**
   * Starts the host and waits for the port it prints on its first stdout line.
   * @throws Error with the host's stderr when it exits or stays silent first
   */
  static start(options: HostOptions): Promise<ProviderHost> {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!STRIPPED_ENV.test(k)) env[k] = v;
    env.PULUMI_NODEJS_PROJECT = options.project;
    env.PULUMI_PROJECT = options.project;
    if (options.config) env.PULUMI_CONFIG = JSON.stringify(options.config);
    Object.assign(env, options.env);
    // The engine passes its own gRPC address; the dynamic host only requires that there is one.
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), hostScript, "127.0.0.1:0"], {
      cwd: options.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: HostLine[] = [];
    const stderrBeforePort: string[] = [];
    let port: number | undefined;
    const streamsDone: Promise<void>[] = [];

    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
    return new Promise<ProviderHost>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`provider host printed no port within ${options.startTimeoutMs ?? 15000} ms`));
      }, options.startTimeoutMs ?? 15000);
      const fail = (why: string): void => {
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        reject(new Error(`provider host ${why}${stderrBeforePort.length ? `:\n${stderrBeforePort.join("\n")}` : ""}`));
      };
      child.once("error", (err) => fail(`could not start in ${options.cwd} (${err.message})`));
      // "close", not "exit": by then its stderr has been read, and the reason can be shown.
      child.once("close", (code, signal) => {
        if (port === undefined) fail(`exited before printing its port (code ${code}, signal ${signal})`);
      });
      for (const stream of ["stdout", "stderr"] as const) {
        const rl = readline.createInterface({ input: child[stream], crlfDelay: Infinity });
        streamsDone.push(new Promise((done) => rl.once("close", () => done())));
        rl.on("line", (text) => {
          if (port === undefined) {
            if (stream === "stderr") {
              stderrBeforePort.push(text);
              return;
            }
            const parsed = Number(text.trim());
            if (!Number.isInteger(parsed) || parsed <= 0) return fail(`printed "${text}" instead of a port`);
            port = parsed;
            clearTimeout(timer);
            resolve(
              new ProviderHost(
                child,
                port,
                exited.then(() => Promise.all(streamsDone)).then(() => undefined),
                lines,
              ),
            );
            return;
          }
          const line: HostLine = { stream, text, time: Date.now() };
          lines.push(line);
          options.onLine?.(line);
        });
      }
    });
  }

  /**
   * Stops the host the way the engine does (it has no shutdown call: the process is signalled),
   * and waits until its output is read to the end.
   */
  async stop(timeoutMs = 5000): Promise<void> {
    if (!this.hasExited) this.child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill("SIGKILL");
        resolve();
      }, timeoutMs);
    });
    await Promise.race([this.exited, forced]);
    clearTimeout(timer);
    await this.exited;
  }
}
