#!/usr/bin/env node
// A stand-in for the native `solc` executable, backed by the official solc-js build from npm.
//
// py-solc-x (and so Brownie) makes exactly two kinds of call to a compiler binary:
//   solc --version
//   solc --standard-json [--allow-paths a,b,c] [--base-path p]    (standard-JSON input on stdin)
// This script answers both the way the native CLI does, so `brownie compile` works on a machine that can
// reach npm but not the solc binary download host. Imports are read from disk, restricted to the working
// directory, the --allow-paths folders and the targets of the input's remappings.
"use strict";

const fs = require("fs");
const path = require("path");

const projectRoot = process.env.FURUSATO_ROOT || path.resolve(__dirname, "..");
const solc = require(path.join(projectRoot, "node_modules", "solc"));

function fail(message) {
  process.stderr.write(`solc-js wrapper: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { mode: null, allowPaths: [], basePath: null };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--version") opts.mode = "version";
    else if (arg === "--standard-json") opts.mode = "standard-json";
    else if (arg === "--allow-paths") {
      i += 1;
      if (i >= argv.length) fail("--allow-paths needs a value");
      opts.allowPaths.push(...argv[i].split(",").filter(Boolean));
    } else if (arg.startsWith("--allow-paths=")) {
      opts.allowPaths.push(...arg.slice("--allow-paths=".length).split(",").filter(Boolean));
    } else if (arg === "--base-path") {
      i += 1;
      if (i >= argv.length) fail("--base-path needs a value");
      opts.basePath = argv[i];
    } else if (arg === "-" || arg === "--pretty-json") {
      // accepted and ignored, like the native CLI in standard-JSON mode
    } else {
      fail(`unsupported argument '${arg}' (only --version and --standard-json are implemented)`);
    }
  }
  return opts;
}

function isInside(child, parent) {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

// The target folders of the input's remappings (`[context:]prefix=target`). The native CLI allows the targets of
// command-line remappings; allowing those of the JSON's own lets a caller that passes only `--allow-paths <project>`
// (crytic-compile, for Slither) import through `@openzeppelin/=node_modules/@openzeppelin/` where node_modules is a
// symlink to a shared checkout, as in a git worktree.
function remappingTargets(input) {
  const remappings = input && input.settings && input.settings.remappings;
  if (!Array.isArray(remappings)) return [];
  return remappings
    .filter((r) => typeof r === "string" && r.includes("="))
    .map((r) => r.slice(r.indexOf("=") + 1))
    .filter(Boolean);
}

function makeImportCallback(opts, extraAllowed) {
  const base = path.resolve(opts.basePath || process.cwd());
  const allowed = [base, ...opts.allowPaths, ...extraAllowed].map((p) => {
    const dir = path.resolve(base, p);
    try {
      return fs.realpathSync(dir);
    } catch (_err) {
      return dir;
    }
  });
  return function findImports(importPath) {
    const candidate = path.resolve(base, importPath);
    let real;
    try {
      real = fs.realpathSync(candidate);
    } catch (_err) {
      return { error: `File not found: ${importPath}` };
    }
    if (!allowed.some((dir) => isInside(real, dir))) {
      return { error: `File outside of allowed directories: ${importPath}` };
    }
    return { contents: fs.readFileSync(real, "utf8") };
  };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.mode === "version") {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return;
  }
  if (opts.mode !== "standard-json") fail("nothing to do: pass --version or --standard-json");
  const input = fs.readFileSync(0, "utf8");
  let parsed;
  try {
    parsed = JSON.parse(input);
  } catch (err) {
    fail(`standard-JSON input on stdin is not valid JSON: ${err.message}`);
  }
  const output = solc.compile(input, { import: makeImportCallback(opts, remappingTargets(parsed)) });
  process.stdout.write(output);
  process.stdout.write("\n");
}

main();
