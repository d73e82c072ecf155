/**
 * More `@example`s of the API reference (expressions, fuzzing, scenarios), included region by
 * region by doc comments in src/ and run by test/examples/examples.test.ts, which checks what
 * each region prints (and tshark the file). Nothing is sent.
 *   node dist/examples/api-traffic.js       (writes api-traffic.pcapng)
 */
import { writeFileSync } from 'node:fs';
import {
  codecByName,
  ExpressionError,
  formatExpression,
  loadScenario,
  parse,
  parseExpression,
  PatchableTemplate,
  randomFieldValue,
  Rng,
  type Scenario,
  scenarioFromObject,
  ScenarioError,
  writeTraffic,
} from '../src/index.js';

{
  // #region expression-errors
  // parseExpression keeps where each layer and field was written; ExpressionError points at a column.
  const parsed = parseExpression('ipv4(dst=198.51.100.2)/udp(dstPort=53)');
  console.log(`parseExpression: ${parsed.layers.map((l) => l.layer).join('/')}; formatExpression: ${formatExpression(parse('ipv4(dst=198.51.100.2,ttl=3)/udp'))}`);
  try {
    parse('ipv4(dst=198.51.100.2)/udp(dport=53)');
  } catch (e) {
    if (e instanceof ExpressionError) console.log(`ExpressionError at column ${e.column}: ${e.detail}`);
  }
  // #endregion expression-errors
}

{
  // #region random-values
  // Rng: the seeded generator behind fuzz() and traffic (the same keys give the same values);
  // randomFieldValue: a value for one field of a layer, within what the field can hold.
  const rng = new Rng(7);
  const ttl = codecByName('ipv4')!.fields.find((f) => f.name === 'ttl')!;
  const values = [1, 2, 3].map(() => randomFieldValue(ttl, rng) as number);
  console.log(`randomFieldValue ttl: ${values.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)}; same seed, same values: ${new Rng(7).u32() === new Rng(7).u32()}`);
  // #endregion random-values
}

{
  // #region patchable-template
  // PatchableTemplate: encode a template once, then rewrite fields in place (checksums fixed up).
  const template = new PatchableTemplate(parse('ipv4(src=192.0.2.1,dst=198.51.100.2)/udp(dstPort=53)'));
  const bytes = template.patch([[1, 'srcPort', 40000]]);
  console.log(`PatchableTemplate: srcPort ${bytes.readUInt16BE(20)}, patchable: ${template.canPatch(1, 'srcPort')}`);
  // #endregion patchable-template
}

{
  // #region scenario-file
  // A Scenario from a YAML file (loadScenario) or from an object (scenarioFromObject), written
  // to a pcapng file by writeTraffic (atomically: complete or not there).
  writeFileSync('api-scenario.yaml', 'seed: 3\nflows:\n  - name: syn\n    template: ipv4(src=192.0.2.1,dst=198.51.100.2)/tcp(dstPort=80,flags=[syn])\n    count: 5\n    rate: 1000\n');
  const fromFile: Scenario = loadScenario('api-scenario.yaml');
  const summary = await writeTraffic(fromFile, 'api-traffic.pcapng');
  console.log(`writeTraffic: ${summary.packets} packets, ${summary.bytes} bytes, seed ${summary.seed}`);
  const fromObject = scenarioFromObject({ seed: 1, flows: [{ name: 'dns', template: 'ipv4(dst=198.51.100.53)/udp(dstPort=53)', count: 2, rate: 10 }] });
  console.log(`scenarioFromObject: ${fromObject.flows.map((f) => `${f.name} x${f.count}`).join(', ')}`);
  try {
    scenarioFromObject({ seed: 1, flows: [{ name: 'bad', template: 'ipv4/udp', count: -1, rate: 10 }] });
  } catch (e) {
    if (e instanceof ScenarioError) console.log(`ScenarioError at ${e.path}: ${e.detail}`);
  }
  // #endregion scenario-file
}
