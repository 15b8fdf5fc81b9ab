// The machine-readable API description is a valid OpenAPI 3.1 document, and the docs page shows it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startApp } from './helpers.mjs';

let app;

before(async () => {
  app = await startApp();
});

after(async () => {
  await app?.stop();
});

test('the OpenAPI document is valid OpenAPI 3.1', async () => {
  const res = await fetch(`${app.url}/api/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /json/);
  const doc = await res.json();
  assert.equal(typeof doc.openapi, 'string');
  assert.ok(doc.openapi.startsWith('3.1'), `openapi is ${doc.openapi}`);
  assert.ok(doc.info?.title, 'has info.title');
  assert.ok(doc.paths && Object.keys(doc.paths).length > 0, 'describes some paths');

  const validator = new Validator();
  const result = await validator.validate(doc);
  assert.equal(validator.version, '3.1');
  assert.ok(result.valid, `schema errors:\n${JSON.stringify(result.errors, null, 2)}`);

  // Every $ref resolves.
  assert.doesNotThrow(() => validator.resolveRefs());
});
