/**
 * Reads `docker run [OPTIONS] IMAGE [ARG...]` the way docker does, to find the image of an imported
 * or added server: options that take a value (`-v /a:/b`, `--mount type=bind,…`, `-e NAME`) take
 * the next argument unless given as `--opt=value` or `-vVALUE`, so a value is never mistaken for
 * the image. An option docker has but this list lacks is refused by name rather than guessed.
 */

/** `docker run` options that take a value (docker 27's `docker run --help`). */
const VALUE_OPTIONS = new Set([
  "add-host",
  "annotation",
  "attach",
  "blkio-weight",
  "blkio-weight-device",
  "cap-add",
  "cap-drop",
  "cgroup-parent",
  "cgroupns",
  "cidfile",
  "cpu-count",
  "cpu-percent",
  "cpu-period",
  "cpu-quota",
  "cpu-rt-period",
  "cpu-rt-runtime",
  "cpu-shares",
  "cpus",
  "cpuset-cpus",
  "cpuset-mems",
  "detach-keys",
  "device",
  "device-cgroup-rule",
  "device-read-bps",
  "device-read-iops",
  "device-write-bps",
  "device-write-iops",
  "dns",
  "dns-option",
  "dns-search",
  "domainname",
  "entrypoint",
  "env",
  "env-file",
  "expose",
  "gpus",
  "group-add",
  "health-cmd",
  "health-interval",
  "health-retries",
  "health-start-interval",
  "health-start-period",
  "health-timeout",
  "hostname",
  "io-maxbandwidth",
  "io-maxiops",
  "ip",
  "ip6",
  "ipc",
  "isolation",
  "kernel-memory",
  "label",
  "label-file",
  "link",
  "link-local-ip",
  "log-driver",
  "log-opt",
  "mac-address",
  "memory",
  "memory-reservation",
  "memory-swap",
  "memory-swappiness",
  "mount",
  "name",
  "net",
  "net-alias",
  "network",
  "network-alias",
  "oom-score-adj",
  "pid",
  "pids-limit",
  "platform",
  "publish",
  "pull",
  "restart",
  "runtime",
  "security-opt",
  "shm-size",
  "stop-signal",
  "stop-timeout",
  "storage-opt",
  "sysctl",
  "tmpfs",
  "ulimit",
  "user",
  "userns",
  "uts",
  "volume",
  "volume-driver",
  "volumes-from",
  "workdir",
]);
const FLAG_OPTIONS = new Set([
  "detach",
  "disable-content-trust",
  "help",
  "init",
  "interactive",
  "no-healthcheck",
  "oom-kill-disable",
  "privileged",
  "publish-all",
  "quiet",
  "read-only",
  "rm",
  "sig-proxy",
  "tty",
  "use-api-socket",
]);
/** Short forms: these take a value … */
const SHORT_VALUE = new Set(["a", "c", "e", "h", "l", "m", "p", "u", "v", "w"]);
/** … and these do not. */
const SHORT_FLAG = new Set(["d", "i", "t", "P", "q"]);

export type DockerRun = {
  image: string;
  /** The arguments after the image: the container's own. */
  containerArgs: string[];
};

/** Throws an Error meant for the form when `args` is not `run … IMAGE …`. */
export function parseDockerRun(args: readonly string[]): DockerRun {
  if (args[0] !== "run")
    throw new Error('docker needs "run" and an image, e.g. run -i --rm ghcr.io/owner/server');
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return finish(args, i + 1);
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      if (FLAG_OPTIONS.has(name)) continue;
      if (!VALUE_OPTIONS.has(name))
        throw new Error(
          `docker run option --${name} is not known here; leave it out or write it as --${name}=value`,
        );
      const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new Error(`docker run option --${name} needs a value`);
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      // A group of short options (-it), the last of which may take a value (-e NAME, -eNAME).
      for (let k = 1; k < arg.length; k++) {
        const letter = arg[k]!;
        if (SHORT_FLAG.has(letter)) continue;
        if (!SHORT_VALUE.has(letter))
          throw new Error(`docker run option -${letter} is not known here; leave it out`);
        const attached = arg.slice(k + 1).replace(/^=/, "");
        const value = attached || args[++i];
        if (value === undefined) throw new Error(`docker run option -${letter} needs a value`);
        break;
      }
      continue;
    }
    return finish(args, i);
  }
  throw new Error('docker needs "run" and an image, e.g. run -i --rm ghcr.io/owner/server');
}

function finish(args: readonly string[], imageAt: number): DockerRun {
  const image = args[imageAt];
  if (!image)
    throw new Error('docker needs "run" and an image, e.g. run -i --rm ghcr.io/owner/server');
  return { image, containerArgs: args.slice(imageAt + 1) };
}
