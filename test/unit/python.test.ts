import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileSystem, silentLogger, systemClock } from '../../server/src/core/io';
import { extractPython, extractPythonDocument, pythonParser } from '../../server/src/core/extract/python';
import { parseEnvironmentYml, parseNoxfile, parseSetupPy } from '../../server/src/core/extract/pythonDeclarations';
import { parsePep508, parsePyproject, parseRequirementsTxt, parseSetupCfg, parseToxIniNames } from '../../server/src/core/extract/requirements';
import { loadPipConfig } from '../../server/src/core/registry/pipConfig';
import { PypiClient, versionsFromFilenames } from '../../server/src/core/registry/pypi';
import { readEnvironment } from '../../server/src/core/resolve/python/environment';
import { candidateDistributions, isValidDistributionName } from '../../server/src/core/resolve/python/importNames';
import { declaredProvides, isLocalModule } from '../../server/src/core/resolve/python/project';
import { isStdlibModule } from '../../server/src/core/resolve/python/stdlib';
import { FIXTURES } from '../support/workspace';
import { SimpleIndex } from '../support/simpleIndex';
import { runCliProcess } from '../support/cli';
import { copyFixture, isolatedEnv } from '../support/workspace';

const APP = path.join(FIXTURES, 'python-app');

describe('Python imports (tree-sitter)', () => {
  it('finds every import form with exact ranges, and marks ImportError fallbacks', async () => {
    const text = fs.readFileSync(path.join(APP, 'app/main.py'), 'utf8');
    const imports = await extractPython(text);
    const lines = text.split('\n');
    for (const i of imports) assert.strictEqual(lines[i.range.start.line].slice(i.range.start.character, i.range.end.character), i.module);
    const by = Object.fromEntries(imports.map((i) => [i.module, i]));
    assert.strictEqual(by['sklearn.linear_model'].kind, 'from');
    assert.strictEqual(by['utils'].relative, true);
    assert.strictEqual(by['pandas_advanced_transform'].guarded, true);
    assert.strictEqual(by['fastapi_utils_v3'].guarded, false);
    assert.strictEqual(by['made_up_plugin_loader'].kind, 'import_module');
    assert.ok(!imports.some((i) => i.module === '__future__'));
  });

  it('tolerates code mid-edit and skips non-literal dynamic imports', async () => {
    const imports = await extractPython("import os\ndef f(:\n  import requests\nimport broken.\nimportlib.import_module(name)\n__import__(f'x{y}')\nfrom x import (\n");
    assert.deepStrictEqual(imports.map((i) => i.module), ['os', 'requests']);
  });
});

describe('Python dependency files', () => {
  it('reads what tox.ini installs: deps of every section, factor prefixes, -r includes; not substitutions', () => {
    const tox = parseToxIniNames(fs.readFileSync(path.join(FIXTURES, 'python-shapes', 'tox.ini'), 'utf8'));
    assert.deepStrictEqual(tox.names, ['tox-uv', 'pytest', 'pytest-xdist']);
    assert.deepStrictEqual(tox.includes, ['requirements-dev.txt']);
  });

  it('parses PEP 508 requirements', () => {
    assert.deepStrictEqual(parsePep508('requests[security,socks] >=2.8.1, ==2.8.* ; python_version < "2.7"'), {
      name: 'requests', nameStart: 0, extras: ['security', 'socks'], specifier: '>=2.8.1,==2.8.*', marker: 'python_version < "2.7"',
    });
    assert.strictEqual(parsePep508('pip @ https://example.com/pip-1.3.1.zip ; python_version > "3"')?.url, 'https://example.com/pip-1.3.1.zip');
    assert.strictEqual(parsePep508('>=1.0'), undefined);
    assert.strictEqual(parsePep508('name ==='), undefined);
  });

  it('reads requirements files: includes, index options, hashes, continuations; skips -e, paths and URLs', () => {
    const parsed = parseRequirementsTxt(fs.readFileSync(path.join(APP, 'requirements.txt'), 'utf8') + 'flask \\\n  >=2.0\n./local.whl\ngit+https://example.com/x.git\n');
    assert.deepStrictEqual(parsed.includes, ['requirements-dev.txt']);
    assert.deepStrictEqual(parsed.requirements.map((r) => [r.name, r.specifier]), [
      ['requests', '==2.31.0'], ['fastapi', '==0.999.0'], ['beautifulsoup4', '>=4.12'], ['python-dateutil', ''], ['PyYAML', '==6.0.1'], ['fastapi-utils-v3', '>=1.0'], ['scikit-learn', ''], ['flask', '>=2.0'],
    ]);
    assert.deepStrictEqual(parseRequirementsTxt('--index-url https://i/simple\n--extra-index-url=https://e/simple\n').extraIndexUrls, ['https://e/simple']);
  });

  it('reads pyproject.toml (PEP 621, optional deps, Poetry) with ranges, and survives broken TOML', () => {
    const text = fs.readFileSync(path.join(APP, 'pyproject.toml'), 'utf8') + '\n[tool.poetry.dependencies]\npython = "^3.10"\npandas = "2.2.0"\nlocal = { path = "../local" }\n';
    const parsed = parsePyproject(text);
    assert.ok(!('error' in parsed));
    const lines = text.split('\n');
    const found = parsed.requirements.map((r) => [r.name, r.specifier, r.source, lines[r.range.start.line].slice(r.range.start.character, r.range.end.character)]);
    assert.deepStrictEqual(found, [
      ['requests', '>=2.31', 'pyproject', 'requests'], ['httpx-retry-pro', '==2.0', 'pyproject', 'httpx-retry-pro'], ['numpy', '==9.9.9', 'pyproject', 'numpy'], ['pytest', '>=8', 'pyproject', 'pytest'],
      ['pandas', '==2.2.0', 'poetry', 'pandas'], ['local', '', 'poetry', 'local'],
    ]);
    assert.ok(parsed.requirements.find((r) => r.name === 'local')!.url);
    assert.ok('error' in parsePyproject('[project\ndependencies = ['));
  });

  it('reads setup.cfg install_requires', () => {
    const parsed = parseSetupCfg('[metadata]\nname = x\n[options]\ninstall_requires =\n    requests>=2\n    made-up-cfg\npython_requires = >=3.8\n');
    assert.deepStrictEqual(parsed.requirements.map((r) => [r.name, r.range.start.line, r.range.start.character]), [['requests', 4, 4], ['made-up-cfg', 5, 4]]);
  });
});

describe('Python local resolution', () => {
  it('knows the standard library of every supported Python', () => {
    for (const m of ['os', 'json', 'asyncio', 'tomllib', 'zoneinfo', 'distutils', 'annotationlib']) assert.ok(isStdlibModule(m), m);
    for (const m of ['requests', 'yaml', 'numpy']) assert.ok(!isStdlibModule(m), m);
  });

  it('reads the fixture virtualenv statically: import names from top_level.txt and RECORD', () => {
    const env = readEnvironment(nodeFileSystem, path.join(APP, '.venv'))!;
    assert.deepStrictEqual([...env.imports.get('yaml')!], ['pyyaml']);
    assert.deepStrictEqual([...env.imports.get('sklearn')!], ['scikit-learn']);
    assert.deepStrictEqual([...env.imports.get('git')!], ['gitpython']);
    assert.ok(env.imports.has('numpy') && !env.imports.has('f2py') && !env.imports.has('..'));
    assert.ok(env.distributions.has('pyyaml'));
  });

  it('finds workspace modules, flat and under src/, including namespace packages', () => {
    const main = path.join(APP, 'app/main.py');
    for (const m of ['app', 'helpers', 'corelib']) assert.ok(isLocalModule(nodeFileSystem, main, APP, m), m);
    assert.ok(!isLocalModule(nodeFileSystem, main, APP, 'requests'));
  });

  it('derives candidate distributions from package metadata, the table and dotted namespaces', () => {
    assert.deepStrictEqual(candidateDistributions('yaml'), ['PyYAML', 'yaml']);
    // Debian's python3-django-filters ships django_filters/ beside django_filter-*.dist-info
    assert.deepStrictEqual(candidateDistributions('django_filters.rest_framework'), ['django-filter', 'django_filters']);
    assert.deepStrictEqual(candidateDistributions('social_django.models')[0], 'social-auth-app-django');
    // a known top level is credited to itself, not to a `<top>-<submodule>` project
    assert.deepStrictEqual(candidateDistributions('packaging.utils'), ['packaging']);
    // namespaces: the known second level, else the dotted path
    assert.deepStrictEqual(candidateDistributions('google.protobuf')[0], 'protobuf');
    assert.deepStrictEqual(candidateDistributions('google.cloud.storage'), ['google-cloud-storage', 'google-cloud', 'google']);
    assert.deepStrictEqual(candidateDistributions('azure.storage.blob'), ['azure-storage-blob', 'azure-storage', 'azure']);
    // unknown top levels go by the dotted path too
    assert.deepStrictEqual(candidateDistributions('fastjsonparser.utils'), ['fastjsonparser-utils', 'fastjsonparser']);
  });

  it('never asks the index for a name that cannot be a distribution', () => {
    assert.deepStrictEqual(candidateDistributions('_distutils_hack'), ['setuptools']);
    assert.deepStrictEqual(candidateDistributions('_pytest.fixtures'), ['pytest']);
    for (const m of ['_made_up_thing', '__x__', '_']) for (const c of candidateDistributions(m)) assert.ok(isValidDistributionName(c), `${m} -> ${c}`);
    assert.ok(!isValidDistributionName('-distutils-hack'));
  });

  it('a declared distribution whose name contains the import name provides it', () => {
    assert.ok(declaredProvides(['python-engineio'], 'engineio'));
    assert.ok(declaredProvides(['pywinrm'], 'winrm'));
    assert.ok(declaredProvides(['scikit-fuzzy'], 'skfuzzy'));
    assert.ok(!declaredProvides(['requests'], 'requests_pro'));
    assert.ok(!declaredProvides(['pandas'], 'pd'), 'too short to say');
  });
});

describe('pip configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-pip-'));
  fs.mkdirSync(path.join(dir, '.config', 'pip'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.config', 'pip', 'pip.conf'), '[global]\nindex-url = https://user.example/simple\nextra-index-url =\n    https://a.example/simple\n    https://b.example/simple\n');

  it('reads pip.conf with continuation lines; the environment and the setting win', () => {
    const base = { fs: nodeFileSystem, homeDir: dir, trusted: true };
    const fromFile = loadPipConfig({ ...base, env: { XDG_CONFIG_HOME: path.join(dir, '.config') } });
    assert.deepStrictEqual([fromFile.indexUrl, fromFile.extraIndexUrls], ['https://user.example/simple/', ['https://a.example/simple/', 'https://b.example/simple/']]);
    const fromEnv = loadPipConfig({ ...base, env: { XDG_CONFIG_HOME: path.join(dir, '.config'), PIP_INDEX_URL: 'https://env.example/simple' } });
    assert.strictEqual(fromEnv.indexUrl, 'https://env.example/simple/');
    const fromSetting = loadPipConfig({ ...base, env: {}, settingIndexUrl: 'http://127.0.0.1:9/simple' });
    assert.strictEqual(fromSetting.indexUrl, 'http://127.0.0.1:9/simple/');
    const none = loadPipConfig({ ...base, env: { XDG_CONFIG_HOME: path.join(dir, '.config'), PIP_CONFIG_FILE: '/dev/null' } });
    assert.deepStrictEqual([none.indexUrl, none.extraIndexUrls], ['https://pypi.org/simple/', []]);
  });
});

describe('PyPI Simple API client', function () {
  this.timeout(20_000);
  const config = (url: string, extra: string[] = []) => ({ indexUrl: url, extraIndexUrls: extra, sources: [] });
  const client = new PypiClient({ timeoutMs: 3000, clock: systemClock });

  for (const htmlOnly of [false, true]) {
    it(`reads ${htmlOnly ? 'PEP 503 HTML (an index without PEP 691)' : 'PEP 691 JSON'}: versions, newest final release, 404 as missing`, async () => {
      const index = await SimpleIndex.start({ htmlOnly });
      try {
        const pillow = await client.fetch('Pillow', config(index.url));
        assert.deepStrictEqual([pillow.status, pillow.latest, pillow.versions], ['exists', '10.4.0', ['11.0.0rc1', '10.4.0']]);
        const dateutil = await client.fetch('python_dateutil', config(index.url));
        assert.deepStrictEqual([dateutil.status, dateutil.latest], ['exists', '2.9.0.post0']);
        assert.strictEqual((await client.fetch('fastapi-utils-v3', config(index.url))).status, 'missing');
        assert.ok(index.requests.length > 0, 'an empty list would pass every check');
        assert.ok(index.requests.every((r) => r.accept.startsWith('application/vnd.pypi.simple.v1+json')));
      } finally {
        await index.stop();
      }
    });
  }

  it('asks extra indexes: found in any is found, missing only when all say so', async () => {
    const index = await SimpleIndex.start();
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-empty-index-'));
    try {
      const folderIndex = 'file://' + path.join(FIXTURES, 'pypi-index', 'simple') + '/';
      assert.strictEqual((await client.fetch('requests', config('file://' + empty + '/', [folderIndex]))).status, 'exists');
      assert.strictEqual((await client.fetch('nope-zz', config(index.url, [folderIndex]))).status, 'missing');
      assert.strictEqual((await client.fetch('nope-zz', config(index.url, ['http://127.0.0.1:9/simple/']))).status, 'unverified');
    } finally {
      await index.stop();
    }
  });

  it('takes versions from wheel and sdist file names', () => {
    assert.deepStrictEqual(versionsFromFilenames('python-dateutil', ['python_dateutil-2.9.0.post0-py2.py3-none-any.whl', 'python-dateutil-2.9.0.post0.tar.gz', 'README.txt']), ['2.9.0.post0', '2.9.0.post0']);
  });

  it('never runs anything: the index answers are cached like npm ones', async () => {
    const index = await SimpleIndex.start();
    try {
      const { PackageLookup } = require('../../server/src/core/registry/lookup') as typeof import('../../server/src/core/registry/lookup');
      const { pypiEndpoint } = require('../../server/src/core/registry/pipConfig') as typeof import('../../server/src/core/registry/pipConfig');
      const lookup = new PackageLookup({ client, endpoint: pypiEndpoint, clock: systemClock, logger: silentLogger });
      await Promise.all([lookup.lookup('requests', config(index.url)), lookup.lookup('requests', config(index.url))]);
      await lookup.lookup('requests', config(index.url));
      assert.strictEqual(index.requests.length, 1);
    } finally {
      await index.stop();
    }
  });
});

describe('pyproject build requirements', () => {
  it('are read (and so checked), and count as declared: setup.py may import setuptools', () => {
    const text = '[build-system]\nrequires = ["setuptools>=61", "wheel"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "x"\ndependencies = ["requests"]\n';
    const parsed = parsePyproject(text);
    assert.ok(!('error' in parsed));
    const lines = text.split('\n');
    assert.deepStrictEqual(
      parsed.requirements.map((r) => [r.name, r.source, lines[r.range.start.line].slice(r.range.start.character, r.range.end.character)]),
      [['setuptools', 'build-system', 'setuptools'], ['wheel', 'build-system', 'wheel'], ['requests', 'pyproject', 'requests']],
    );
  });
});

describe('Pipfile', () => {
  it('declares its packages and dev-packages', () => {
    const { parsePipfileNames } = require('../../server/src/core/extract/requirements') as typeof import('../../server/src/core/extract/requirements');
    const text = '[[source]]\nurl = "https://pypi.org/simple"\nname = "pypi"\n\n[packages]\nrequests = "*"\nDjango_Rest = { version = ">=3" }\n\n[dev-packages]\npytest = "*"\n\n[requires]\npython_version = "3.12"\n';
    assert.deepStrictEqual(parsePipfileNames(text), ['requests', 'django-rest', 'pytest']);
    assert.deepStrictEqual(parsePipfileNames('[packages\nbroken'), []);
  });
});

describe('Python shapes seen in real repositories (CLI against a loopback index)', function () {
  this.timeout(60_000);

  it('guards are at most a hint; Python 2 modules, test apps, run-time modules, the tree’s own packages and declared distributions under other names are never made up; vendored, environment and excluded folders are not checked', async () => {
    const index = await SimpleIndex.start();
    try {
      const root = copyFixture('python-shapes');
      const r = await runCliProcess(['check', '--format', 'json', '--no-cache', '--index-url', index.url], root, isolatedEnv(root));
      const json = JSON.parse(r.stdout) as { findings: { file: string; line: number; code: string; severity: string; package: string }[] };
      const got = json.findings.map((f) => `${f.file}:${f.line} ${f.severity} ${f.code} ${f.package}`).sort();
      assert.deepStrictEqual(got, [
        'pkg/compat.py:18 hint missing-package made_up_py2_only_zz',
        'pkg/compat.py:23 hint missing-package made_up_windows_helper_zz',
        'pkg/compat.py:26 hint missing-package made_up_types_only_zz',
        'pkg/compat.py:30 error missing-package truly_made_up_library_zz',
        // (the loopback index knows neither simplejson nor this name: both are guarded)
        'pkg/compat.py:6 hint missing-package simplejson',
        'pkg/compat.py:9 hint missing-package json_fallback_made_up_zz',
      ], r.stdout + r.stderr);
    } finally {
      await index.stop();
    }
  });
});

describe('Python declarations outside requirements files, environments up the tree, suppression comments', function () {
  this.timeout(60_000);
  const DECL = path.join(FIXTURES, 'python-declarations');

  it('reads literal setup.py lists (through a module-level name), noxfile session.install arguments and environment.yml', async () => {
    const parser = await pythonParser();
    const setup = parseSetupPy(parser, fs.readFileSync(path.join(DECL, 'setup.py'), 'utf8'));
    assert.deepStrictEqual(setup, { names: ['django-filter', 'sybil', 'setuptools', 'docutils'], projectName: 'acme-tools' });
    assert.deepStrictEqual(parseNoxfile(parser, fs.readFileSync(path.join(DECL, 'noxfile.py'), 'utf8')), ['pytest', 'sybil', 'streamlit-aggrid']);
    assert.deepStrictEqual(parseEnvironmentYml(fs.readFileSync(path.join(DECL, 'environment.yml'), 'utf8')), ['numpy', 'pandas']);
    // nothing is run, and what is not a literal is not guessed
    assert.deepStrictEqual(parseSetupPy(parser, 'from setuptools import setup\nsetup(install_requires=open("r.txt").read().split())\n').names, []);
    assert.deepStrictEqual(parseEnvironmentYml('dependencies: [\n'), []);
  });

  it('reads the suppression directives Python comments carry', async () => {
    const { suppressions } = await extractPythonDocument(fs.readFileSync(path.join(DECL, 'acme_tools/legacy.py'), 'utf8'));
    assert.deepStrictEqual(suppressions.map((s) => [s.line, s.codes && [...s.codes]]), [[1, ['missing-package']], [4, undefined], [6, ['undeclared-dependency']]]);
  });

  it('the CLI: declared under other names, elsewhere in the tree, installed two folders up, or the project itself is never made up; suppressed lines are quiet', async () => {
    const index = await SimpleIndex.start();
    try {
      const root = copyFixture('python-declarations');
      fs.mkdirSync(path.join(root, '.git')); // a repository: the tree whose .venv and dependency files count
      // (its one JavaScript file is checked against a closed port: unverified, never the public registry)
      const env = isolatedEnv(root);
      const npmrc = path.join(env.HOME!, 'closed-registry-npmrc');
      fs.writeFileSync(npmrc, 'registry=http://127.0.0.1:9/\n');
      const r = await runCliProcess(['check', '--format', 'json', '--no-cache', '--index-url', index.url, '.'], root, { ...env, npm_config_userconfig: npmrc });
      const json = JSON.parse(r.stdout) as { findings: { file: string; line: number; code: string; severity: string; package: string }[] };
      const got = json.findings.filter((f) => !f.file.endsWith('.js')).map((f) => `${f.file}:${f.line} ${f.severity} ${f.code} ${f.package}`).sort();
      assert.deepStrictEqual(got, [
        'acme_tools/legacy.py:7 error missing-package made_up_gamma_zz',
        'acme_tools/legacy.py:8 error missing-package made_up_delta_zz',
        'requirements.txt:4 error missing-package another-made-up-req-zz',
      ], r.stdout + r.stderr);
    } finally {
      await index.stop();
    }
  });
});
