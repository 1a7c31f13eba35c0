import { describe, expect, it } from "vitest";
import { parseMcpServersConfig } from "./config-io";
import { parseDockerRun } from "./docker-run";

const imageOf = (line: string) => parseDockerRun(line.split(" ")).image;

describe("parseDockerRun", () => {
  it("skips the values of options that take one, however they are written", () => {
    expect(imageOf("run -i --rm -v /data:/data mcp/filesystem /data")).toBe("mcp/filesystem");
    expect(imageOf("run -i --rm --mount type=bind,src=/a,dst=/a mcp/fs:1.2")).toBe("mcp/fs:1.2");
    expect(imageOf("run -i -e GITHUB_TOKEN -e MODE=ro ghcr.io/github/github-mcp-server")).toBe(
      "ghcr.io/github/github-mcp-server",
    );
    expect(imageOf("run --env=TOKEN=x --volume=/a:/b --network host -p 8080:80 img")).toBe("img");
    expect(imageOf("run -it -eFOO=1 -w /work --name box img:latest")).toBe("img:latest");
    expect(imageOf("run -i --rm -- --odd-image-name")).toBe("--odd-image-name");
  });

  it("keeps the container's own arguments after the image, options and all", () => {
    expect(parseDockerRun(["run", "-i", "-v", "/x:/x", "mcp/fs", "--root", "/x", "-v"])).toEqual({
      image: "mcp/fs",
      containerArgs: ["--root", "/x", "-v"],
    });
  });

  it("refuses what it cannot read, saying why", () => {
    expect(() => parseDockerRun(["pull", "img"])).toThrow(/needs "run"/);
    expect(() => parseDockerRun(["run", "-i", "--rm"])).toThrow(/needs "run" and an image/);
    expect(() => parseDockerRun(["run", "-v"])).toThrow(/-v needs a value/);
    expect(() => parseDockerRun(["run", "--frobnicate", "x", "img"])).toThrow(
      /--frobnicate is not known here/,
    );
  });
});

describe("importing a docker server from a Claude Desktop config", () => {
  it("takes the image, not the value of -v, --mount or -e, as the OCI package", () => {
    const { entries, skipped } = parseMcpServersConfig(
      JSON.stringify({
        mcpServers: {
          files: {
            command: "docker",
            args: [
              "run",
              "-i",
              "--rm",
              "-v",
              "/home/me:/projects",
              "mcp/filesystem:2.1",
              "/projects",
            ],
          },
          mounted: {
            command: "docker",
            args: ["run", "-i", "--mount", "type=bind,src=/a,dst=/a", "-e", "TOKEN", "ghcr.io/o/s"],
          },
        },
      }),
    );
    expect(skipped).toEqual([]);
    expect(entries.map((e) => e.packages?.[0])).toEqual([
      expect.objectContaining({
        registryType: "oci",
        identifier: "mcp/filesystem",
        version: "2.1",
      }),
      expect.objectContaining({ registryType: "oci", identifier: "ghcr.io/o/s" }),
    ]);
    expect(entries[0]?.packages?.[0]?.packageArguments).toEqual([
      expect.objectContaining({ value: "/projects" }),
    ]);
  });
});
