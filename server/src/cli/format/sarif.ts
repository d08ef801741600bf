/**
 * SARIF 2.1.0 as GitHub code scanning takes it: rules with help URIs, results with regions
 * relative to %SRCROOT%, and partial fingerprints that survive unrelated edits above a finding.
 */
import { createHash } from 'crypto';
import { pathToFileURL } from 'url';
import type { FindingCode, Severity } from '../../core/model';
import { docsUrl } from '../../core/findings/messages';
import type { ScanReport } from '../report';

interface RuleText {
  name: string;
  short: string;
  full: string;
  level: 'error' | 'warning' | 'note';
}

export const RULES: Record<FindingCode, RuleText> = {
  'missing-package': {
    name: 'MissingPackage',
    short: 'Import of a package that does not exist on the registry',
    full: 'The imported package is not published on the registry that was asked. Code that imports it cannot install, and the name can be registered by anyone (slopsquatting). Replace it with the real package you meant.',
    level: 'error',
  },
  'missing-version': {
    name: 'MissingVersion',
    short: 'Requirement on a version that was never released',
    full: 'The package exists, but no release matches the pinned or bounded version, so the requirement cannot be installed. Use a version that exists.',
    level: 'error',
  },
  'undeclared-dependency': {
    name: 'UndeclaredDependency',
    short: 'Import of a real package that is not declared or installed',
    full: 'The package exists on the registry but is neither declared in the nearest package.json nor installed. Declare it so installs are reproducible and reviewed.',
    level: 'warning',
  },
  'unverified-package': {
    name: 'UnverifiedPackage',
    short: 'Import of a package that could not be verified',
    full: 'The registry could not be asked (offline, timeout, error) and the package is not installed. It is neither confirmed nor reported as missing.',
    level: 'note',
  },
  'missing-export': {
    name: 'MissingExport',
    short: 'Import of a name the package does not export',
    full: 'The package exists, but the imported name (or the member used on the module) is not among its exports in the version the project has, read from its type declarations or, without types, from its entry file. The code fails at run time. Use the real export you meant.',
    level: 'error',
  },
  'export-in-other-version': {
    name: 'ExportInOtherVersion',
    short: 'Import of a name exported only by other versions of the package',
    full: 'The imported name is exported by other versions of the package (a newer or older major) but not by the version this project has. Upgrade (or downgrade) the dependency, or use the API of your version.',
    level: 'warning',
  },
  'suspicious-package': {
    name: 'SuspiciousPackage',
    short: 'Import of a package that looks like a squat of a popular one',
    full: 'The package exists, but its name is a near miss of a far more popular package (or npm holds it as a security placeholder). Names that assistants make up get registered by attackers; install the popular package you meant.',
    level: 'warning',
  },
  'manifest-unreadable': {
    name: 'ManifestUnreadable',
    short: 'A package manifest that cannot be parsed',
    full: 'The package.json or pyproject.toml cannot be parsed, so what it declares is unknown: imports that depend on it are reported as unverified rather than undeclared. Fix the syntax error at the position given.',
    level: 'error',
  },
  'lockfile-source': {
    name: 'LockfileSource',
    short: 'A lockfile entry downloaded from a host that is not a registry the project uses',
    full: 'npm ci and its peers install exactly what the lockfile says, from where it says. An entry whose resolved URL points at a host that is neither a registry the project is configured for nor a public npm registry (lockfile injection) installs whatever that host serves. Regenerate the entry from the registry.',
    level: 'error',
  },
  'lockfile-integrity': {
    name: 'LockfileIntegrity',
    short: 'A lockfile entry whose integrity differs from the registry\'s',
    full: 'The integrity a lockfile records for name@version is what npm ci accepts. When it is not the integrity the registry publishes for that version, the tarball that would be installed is not the published one (a tampered lockfile, or a registry that served something else). Regenerate the entry and find out who changed it.',
    level: 'error',
  },
  'check-failed': {
    name: 'CheckFailed',
    short: 'A file that could not be checked',
    full: 'The file could not be read or parsed (permissions, nesting too deep for the parser, an internal error). Its imports are not verified; every other file is still checked.',
    level: 'warning',
  },
};

const LEVEL: Record<Severity, 'error' | 'warning' | 'note' | 'none'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note', off: 'none' };

export function toSarif(report: ScanReport): object {
  const codes = Object.keys(RULES) as FindingCode[];
  const results = report.files.flatMap((file) => {
    const seen = new Map<string, number>();
    return file.findings.map((f) => {
      // Identity of a finding: rule, file, package and which occurrence of it in the file.
      const key = `${f.code}|${file.rel}|${f.data.packageName}`;
      const occurrence = (seen.get(key) ?? 0) + 1;
      seen.set(key, occurrence);
      return {
        ruleId: f.code,
        ruleIndex: codes.indexOf(f.code),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: encodeURI(file.rel), uriBaseId: '%SRCROOT%' },
              region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
            },
          },
        ],
        partialFingerprints: { 'groundcheck/v1': createHash('sha256').update(`${key}|${occurrence}`).digest('hex').slice(0, 32) },
        properties: { package: f.data.packageName, suggestions: f.data.suggestions },
      };
    });
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'groundcheck',
            version: report.toolVersion,
            semanticVersion: report.toolVersion,
            informationUri: 'https://github.com/groundcheck/groundcheck',
            rules: codes.map((code) => ({
              id: code,
              name: RULES[code].name,
              shortDescription: { text: RULES[code].short },
              fullDescription: { text: RULES[code].full },
              helpUri: docsUrl(code),
              help: { text: `${RULES[code].full} See ${docsUrl(code)}` },
              defaultConfiguration: { level: RULES[code].level },
              properties: { tags: ['security', 'supply-chain'], precision: code === 'unverified-package' ? 'low' : 'very-high' },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(report.baseDir.endsWith('/') ? report.baseDir : report.baseDir + '/').href } },
        invocations: [{ executionSuccessful: true }],
        results,
      },
    ],
  };
}

export function formatSarif(report: ScanReport): string {
  return JSON.stringify(toSarif(report), null, 2) + '\n';
}
