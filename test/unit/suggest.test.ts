import * as assert from 'assert';
import * as fs from 'fs';
import * as zlib from 'zlib';
import { isTypoOf, PopularIndex } from '../../server/src/core/suggest/popularIndex';
import { dataFile } from '../../server/src/core/dataFiles';
import { boundedDistance } from '../../server/src/core/suggest/distance';

describe('suggestions from the bundled index', () => {
  const index = new PopularIndex();

  it('knows popular names and their rough popularity', () => {
    assert.ok(index.has('react') && index.has('lodash') && index.has('JSONStream'));
    assert.ok(!index.has('fast-json-parser-v2'));
    assert.ok(index.downloads('react') > index.downloads('left-pad'));
    assert.match(index.date, /^\d{4}-\d{2}$/);
  });

  it('ranks close, popular names first', () => {
    assert.strictEqual(index.suggest('lodahs')[0].name, 'lodash');
    assert.strictEqual(index.suggest('expresss')[0].name, 'express');
    assert.strictEqual(index.suggest('expresss-validator')[0].name, 'express-validator');
    assert.ok(index.suggest('@anthropic/api-sdk').some((s) => s.name === '@anthropic-ai/sdk'));
    assert.ok(index.suggest('lodahs').length > 0, 'an empty list would pass every check');
    assert.ok(index.suggest('lodahs').every((s) => s.name !== 'lodahs'));
  });

  it('gives nothing rather than a far-fetched name', () => {
    assert.deepStrictEqual(index.suggest('qqqqzzzzxxxx-wwww'), []);
  });

  it('a missing index file means no suggestions, not a crash', () => {
    const broken = new PopularIndex('/nonexistent/index.gz');
    assert.deepStrictEqual(broken.suggest('lodahs'), []);
    assert.strictEqual(broken.has('react'), false);
  });

  it('bounded distance counts transpositions as one edit and stops past the bound', () => {
    assert.strictEqual(boundedDistance('lodahs', 'lodash', 3), 1);
    assert.strictEqual(boundedDistance('kitten', 'sitting', 5), 3);
    assert.strictEqual(boundedDistance('abc', 'xyzuvw', 2), 3);
  });
});

describe('the squat rule', () => {
  const index = new PopularIndex();

  it('knows the slips typosquatters register, and not the ways real names differ', () => {
    const slips: [string, string][] = [['expresss', 'express'], ['loadsh', 'lodash'], ['loadash', 'lodash'], ['reactt-dom', 'react-dom'], ['react_dom', 'react-dom'], ['reactdom', 'react-dom'], ['l0dash', 'lodash'], ['expres', 'express'], ['lodash', 'lodash']];
    for (const [name, popular] of slips) assert.ok(isTypoOf(name, popular), `${name} ~ ${popular}`);
    const real: [string, string][] = [['bases', 'base'], ['xdiff', 'diff'], ['uuidv1', 'uuidv7'], ['msbuild', 'esbuild'], ['stash', 'slash'], ['preact', 'react'], ['lodash-es', 'lodash']];
    for (const [name, popular] of real) assert.ok(!isTypoOf(name, popular), `${name} is not a slip of ${popular}`);
  });

  it('names the popular package a squat imitates', () => {
    for (const [name, popular] of [['expresss', 'express'], ['loadsh', 'lodash'], ['loadash', 'lodash'], ['reactt-dom', 'react-dom'], ['Lodash', 'lodash']]) {
      const squat = index.squatOf(name);
      assert.strictEqual(squat?.popular, popular, name);
      assert.ok(squat!.ratio >= 100);
    }
  });

  it('flags none of the 1,000 most downloaded packages of the bundled snapshot', () => {
    const lines = zlib.gunzipSync(fs.readFileSync(dataFile('npm-popular.idx.gz'))).toString('utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    const top = lines.map((l) => l.split('\t')).sort((a, b) => Number(b[1]) - Number(a[1])).slice(0, 1000).map(([n]) => n);
    assert.strictEqual(top.length, 1000);
    assert.deepStrictEqual(top.filter((n) => index.squatOf(n)), []);
  });

  it('never suggests a squat', () => {
    for (const name of ['Lodash', 'lodahs', 'expresss', 'reactt-domm']) {
      const suggested = index.suggest(name, 10).map((s) => s.name);
      assert.ok(suggested.length > 0, name);
      assert.deepStrictEqual(suggested.filter((s) => index.squatOf(s)), [], `${name}: ${suggested.join(', ')}`);
    }
  });
});
