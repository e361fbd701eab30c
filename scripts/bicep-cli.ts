import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The Bicep CLI that checks the templates: `bicep` on PATH, else the Azure CLI's own (`az bicep`,
 * only when az already has it installed: az downloads one on first use otherwise), else the
 * official `Azure.Bicep.CommandLine.<platform>` NuGet package at the pinned version, restored once
 * with dotnet (its default package source) into a cache folder.
 */

/** The version restored when no other Bicep CLI is found; tested on linux-x64. */
export const pinnedBicepVersion = '0.49.2';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface BicepCli {
  /** Where the CLI came from, for the report. */
  source: string;
  /** What `bicep --version` says, e.g. `Bicep CLI version 0.49.2 (b34271ac51)`. */
  version: string;
  build(file: string, outFile: string): CommandResult;
  lint(file: string): CommandResult;
}

function run(command: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // dotnet's first-run banner would otherwise land in the report.
    env: { ...process.env, DOTNET_NOLOGO: '1' },
  });
}

function result(spawned: SpawnSyncReturns<string>): CommandResult {
  return { status: spawned.status, stdout: spawned.stdout ?? '', stderr: spawned.stderr ?? '' };
}

/** The version line of `bicep --version` or `az bicep version`, or undefined when absent. */
function versionOf(command: string, args: string[]): string | undefined {
  const spawned = run(command, args);
  if (spawned.error || spawned.status !== 0) return undefined;
  return /Bicep CLI version \S+(?: \([^)]*\))?/.exec(spawned.stdout)?.[0];
}

/** A standalone binary: `bicep` on PATH or the restored one. */
function standalone(binary: string, source: string, version: string): BicepCli {
  // --no-restore: the templates use no registry modules, and nothing may be fetched for them.
  return {
    source,
    version,
    build: (file, outFile) =>
      result(run(binary, ['build', file, '--outfile', outFile, '--no-restore'])),
    lint: (file) => result(run(binary, ['lint', file, '--no-restore'])),
  };
}

function azureCli(version: string): BicepCli {
  return {
    source: 'the Azure CLI (az bicep)',
    version,
    build: (file, outFile) =>
      result(run('az', ['bicep', 'build', '--file', file, '--outfile', outFile, '--no-restore'])),
    // Not every az version takes --no-restore for lint; the build above refuses restoring.
    lint: (file) => result(run('az', ['bicep', 'lint', '--file', file])),
  };
}

/** The NuGet runtime identifier of this machine, as the package names use it. */
function runtimeIdentifier(): string {
  const os = { linux: 'linux', darwin: 'osx', win32: 'win' }[process.platform as string];
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch as string];
  if (!os || !arch) throw new Error(`No Bicep CLI package for ${process.platform}-${process.arch}`);
  return `${os}-${arch}`;
}

/**
 * A throwaway project whose only purpose is a PackageDownload of the exact version: restoring it
 * puts the package, with its `tools/bicep` binary, in `packagesDir`. No framework reference is
 * resolved, so nothing else is downloaded, and netstandard2.0 is known to every .NET SDK.
 */
function restoreProject(packageId: string): string {
  return [
    '<Project Sdk="Microsoft.NET.Sdk">',
    '  <PropertyGroup>',
    '    <TargetFramework>netstandard2.0</TargetFramework>',
    '    <DisableImplicitFrameworkReferences>true</DisableImplicitFrameworkReferences>',
    '  </PropertyGroup>',
    '  <ItemGroup>',
    `    <PackageDownload Include="${packageId}" Version="[${pinnedBicepVersion}]" />`,
    '  </ItemGroup>',
    '</Project>',
    '',
  ].join('\n');
}

function restoredBinary(cacheDir: string): { binary: string; packageId: string } {
  const rid = runtimeIdentifier();
  const packageId = `Azure.Bicep.CommandLine.${rid}`;
  const packagesDir = path.join(cacheDir, 'packages');
  const binary = path.join(
    packagesDir,
    packageId.toLowerCase(),
    pinnedBicepVersion,
    'tools',
    rid.startsWith('win') ? 'bicep.exe' : 'bicep',
  );
  if (!existsSync(binary)) {
    const project = mkdtempSync(path.join(tmpdir(), 'bicep-restore-'));
    try {
      writeFileSync(path.join(project, 'restore.csproj'), restoreProject(packageId));
      const restore = run('dotnet', ['restore', project, '--packages', packagesDir]);
      if (restore.error) {
        throw new Error(
          'No Bicep CLI found: put bicep on PATH, install it for the Azure CLI (az bicep install), or install the .NET SDK so dotnet can restore it',
        );
      }
      if (restore.status !== 0 || !existsSync(binary)) {
        throw new Error(
          `dotnet restore of ${packageId} ${pinnedBicepVersion} failed:\n${restore.stdout}${restore.stderr}`,
        );
      }
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }
  // The package marks the binary executable for its owner only.
  chmodSync(binary, 0o755);
  return { binary, packageId };
}

/** The first Bicep CLI found, restoring the pinned one into `cacheDir` when there is none. */
export function findBicepCli(cacheDir: string): BicepCli {
  const onPath = versionOf('bicep', ['--version']);
  if (onPath) return standalone('bicep', 'bicep on PATH', onPath);
  const ofAzureCli = versionOf('az', ['bicep', 'version']);
  if (ofAzureCli) return azureCli(ofAzureCli);
  const { binary, packageId } = restoredBinary(cacheDir);
  const version = versionOf(binary, ['--version']);
  if (!version?.includes(` ${pinnedBicepVersion} `)) {
    throw new Error(
      `${binary} does not report version ${pinnedBicepVersion}: ${version ?? 'no version'}`,
    );
  }
  return standalone(binary, `NuGet package ${packageId}, restored with dotnet`, version);
}
