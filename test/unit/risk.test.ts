/**
 * The risk rules as pure logic (findings/risk.ts), the hover card, and the 1,000 most downloaded
 * npm packages as recorded by scripts/record-popular-metadata.ts: none of them may be suspicious.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { assessRisk } from '../../server/src/core/findings/risk';
import { packageCard } from '../../server/src/core/findings/packageCard';
import { PopularIndex } from '../../server/src/core/suggest/popularIndex';
import { DEFAULT_SETTINGS } from '../../server/src/core/config/settings';
import type { PackageMetadata } from '../../server/src/core/model';

const NOW = Date.parse('2026-11-24T00:00:00Z');
const DAY = 24 * 3600 * 1000;
const thresholds = DEFAULT_SETTINGS.risk;
const meta = (over: Partial<PackageMetadata>): PackageMetadata => ({
  name: 'x', registry: 'https://registry.npmjs.org/', versionCount: 20, firstPublished: NOW - 900 * DAY, lastPublished: NOW - 10 * DAY,
  installScripts: [], repository: 'https://github.com/a/x', checkedAt: NOW, ...over,
});
const unpopular = { downloads: 0, snapshotDate: '2026-11' };
const popular = { downloads: 50_000, snapshotDate: '2026-11' };
const filler = { popular: 'axios', distance: 0, ratio: 100_000, how: 'filler' as const };
const near = { popular: 'prettier', distance: 2, ratio: 100_000, how: 'near' as const };

describe('risk rules', () => {
  const fires = (m: PackageMetadata, p = unpopular, imitation?: typeof filler | typeof near) => assessRisk(m, p, imitation, thresholds, NOW).suspicious;

  it('A: an imitation that is unpopular fires with one registry signal, not with none', () => {
    assert.strictEqual(fires(meta({ versionCount: 1 }), unpopular, filler), true);
    assert.strictEqual(fires(meta({}), unpopular, filler), false);
    assert.strictEqual(fires(meta({ repository: undefined }), unpopular, near), true);
  });

  it('B: an imitation with downloads needs two registry signals, and a slip or filler (not two edits)', () => {
    assert.strictEqual(fires(meta({ versionCount: 1 }), popular, filler), false);
    assert.strictEqual(fires(meta({ versionCount: 1, repository: undefined }), popular, filler), true);
    assert.strictEqual(fires(meta({ versionCount: 1, repository: undefined }), popular, near), false);
  });

  it('C: unpopular, new and an install script; D: unpopular, new, few versions, no repository', () => {
    assert.strictEqual(fires(meta({ firstPublished: NOW - 3 * DAY, installScripts: ['postinstall'] })), true);
    assert.strictEqual(fires(meta({ firstPublished: NOW - 300 * DAY, installScripts: ['postinstall'] })), false);
    assert.strictEqual(fires(meta({ firstPublished: NOW - 3 * DAY, installScripts: ['postinstall'] }), popular), false);
    assert.strictEqual(fires(meta({ firstPublished: NOW - 3 * DAY, versionCount: 1, repository: undefined })), true);
    assert.strictEqual(fires(meta({ firstPublished: NOW - 3 * DAY, versionCount: 1 })), false);
    assert.strictEqual(fires(meta({ firstPublished: undefined, versionCount: 1, repository: undefined })), false, 'no publication time: never "new"');
  });

  it('names every signal that holds, in words', () => {
    const a = assessRisk(meta({ firstPublished: NOW - 2 * DAY, versionCount: 1, repository: undefined, installScripts: ['preinstall', 'postinstall'] }), unpopular, filler, thresholds, NOW);
    assert.deepStrictEqual(a.reasons.map((r) => r.signal), ['imitation', 'unpopular', 'new', 'few-versions', 'no-repository', 'install-scripts']);
    assert.match(a.reasons[2].text, /first published 2 days ago/);
    assert.match(a.reasons[5].text, /runs preinstall and postinstall scripts/);
  });
});

describe('the 1,000 most downloaded npm packages (recorded metadata)', () => {
  it('none is suspicious, though many show single signals', async () => {
    const file = path.resolve(__dirname, '../../../test/fixtures/popular-metadata/top-1000.json.gz');
    const recorded = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as { recordedAt: string; packages: PackageMetadata[] };
    assert.strictEqual(recorded.packages.length, 1000);
    const index = new PopularIndex();
    await index.ready();
    const now = Date.parse(recorded.recordedAt);
    let withSignals = 0;
    const suspicious: string[] = [];
    for (const m of recorded.packages) {
      const a = assessRisk(m, { downloads: index.downloads(m.name), snapshotDate: index.date }, index.imitationOf(m.name), thresholds, now);
      if (a.reasons.length > 0) withSignals++;
      if (a.suspicious) suspicious.push(`${m.name}: ${a.reasons.map((r) => r.text).join('; ')}`);
    }
    assert.deepStrictEqual(suspicious, []);
    assert.ok(withSignals >= 10, `the replay exercises the rules: ${withSignals} packages show at least one signal`);
  });
});

describe('package hover card', () => {
  it('shows the registry facts and why the name is not flagged, from what is known', () => {
    const card = packageCard({
      pkg: { name: 'left-pad', ecosystem: 'npm', status: 'exists', registry: 'https://registry.npmjs.org/', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 8 } } },
      meta: meta({ name: 'left-pad', latest: '1.3.0', license: 'WTFPL', description: 'String left pad', versionCount: 1 }),
      popularity: { downloads: 3_162_278, snapshotDate: '2026-11' }, thresholds, now: NOW,
    });
    assert.match(card, /^\*\*left-pad\*\* · 1\.3\.0 · WTFPL\n\nString left pad/);
    assert.match(card, /\| Versions \| 1 \|/);
    assert.match(card, /\| Install scripts \| none \|/);
    assert.match(card, /\| Popularity \| about 3,200,000 downloads a month \(2026-11 snapshot\) \|/);
    assert.match(card, /Groundcheck: not flagged: published on https:\/\/registry\.npmjs\.org\/; signals seen \(it has a single version\), but not a combination/);
  });
});
