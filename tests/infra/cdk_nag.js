// cdk-nag's AwsSolutions pack over infra/conduit.yaml, read as it is through CfnInclude.
//
//   NODE_PATH=<dir with aws-cdk-lib, constructs, cdk-nag> node tests/infra/cdk_nag.js TEMPLATE SUPPRESSIONS OUTDIR
//
// SUPPRESSIONS has one finding per line: "<LogicalId> <RuleId[finding]> <reason>". Each is
// acknowledged on that resource; the run fails on any finding left, on a line without a reason,
// and on a suppression that matches no finding (so the file cannot outlive what it excuses).
'use strict';
const fs = require('fs');
const path = require('path');
const cdk = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { AwsSolutionsChecks } = require('cdk-nag');

const [templateFile, suppressionsFile, outdir] = process.argv.slice(2);
if (!outdir) {
  console.error('usage: cdk_nag.js TEMPLATE SUPPRESSIONS OUTDIR');
  process.exit(2);
}

const suppressions = [];
let bad = 0;
fs.readFileSync(suppressionsFile, 'utf8').split('\n').forEach((line, i) => {
  if (!line.trim() || line.trimStart().startsWith('#')) return;
  const m = line.match(/^(\S+)\s+(\S+)\s+(\S.*)$/);
  if (!m || m[3].trim().length < 15) {
    console.log(`${path.basename(suppressionsFile)}:${i + 1}: needs "<LogicalId> <RuleId> <reason of a few words>"`);
    bad++;
    return;
  }
  suppressions.push({ line: i + 1, resource: m[1], id: m[2], reason: m[3].trim() });
});

const app = new cdk.App({ outdir });
const stack = new cdk.Stack(app, 'conduit');
const template = new CfnInclude(stack, 'T', { templateFile });
for (const s of suppressions) {
  let resource;
  try {
    resource = template.getResource(s.resource);
  } catch (e) {
    console.log(`suppressions line ${s.line}: no resource ${s.resource} in the template`);
    bad++;
    continue;
  }
  cdk.Validations.of(resource).acknowledge({ id: `AwsSolutions::${s.id}`, reason: s.reason });
}
cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
try {
  app.synth();
} catch (e) {
  // the report below says what failed
}

const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
const found = [];
for (const plugin of report.pluginReports) {
  for (const v of plugin.violations) {
    for (const c of v.violatingConstructs) {
      found.push({ plugin: plugin.pluginName, rule: v.ruleName, severity: v.severity, resource: c.constructPath.split('/').pop() });
    }
  }
}
const nag = found.filter(f => f.plugin === 'AwsSolutions');
for (const f of nag) console.log(`FINDING ${f.severity} ${f.resource} ${f.rule}`);
for (const f of found.filter(f => f.plugin !== 'AwsSolutions')) console.log(`note (${f.plugin}) ${f.resource} ${f.rule}`);

// A suppression that matched nothing is reported by CDK as an unused acknowledgement; compare
// with a run without suppressions to find them.
const bare = new cdk.App({ outdir: outdir + '-bare' });
const bareStack = new cdk.Stack(bare, 'conduit');
new CfnInclude(bareStack, 'T', { templateFile });
cdk.Validations.of(bare).addPlugins(new AwsSolutionsChecks(bare));
try { bare.synth(); } catch (e) { /* expected: findings */ }
const bareReport = JSON.parse(fs.readFileSync(path.join(outdir + '-bare', 'validation-report.json'), 'utf8'));
const all = new Set();
for (const plugin of bareReport.pluginReports) {
  if (plugin.pluginName !== 'AwsSolutions') continue;
  for (const v of plugin.violations) for (const c of v.violatingConstructs) all.add(`${c.constructPath.split('/').pop()} ${v.ruleName}`);
}
const unused = suppressions.filter(s => !all.has(`${s.resource} ${s.id}`));
for (const s of unused) console.log(`UNUSED suppression line ${s.line}: ${s.resource} ${s.id}`);
console.log(`cdk-nag AwsSolutions: ${all.size} findings, ${suppressions.length} suppressed with a reason, ` +
  `${nag.length} left, ${unused.length} unused suppressions, ${bad} malformed lines`);
process.exit(nag.length || unused.length || bad ? 1 : 0);
