import * as assert from 'assert';
import { PopularIndex } from '../../server/src/core/suggest/popularIndex';
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
