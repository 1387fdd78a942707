// An app instance of the tests' own: target/conduit.jar in embedded mode on a free port with a
// fresh data directory, for journeys that need what the shared app cannot give: its outbox
// (mail is written as .eml files under <data dir>/mail) and settings of their own (a
// re-authentication window of 0 minutes, so the "enter your current password" path is real).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TIMEOUT_MS } from './harness.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const JAR = process.env.CONDUIT_JAR || path.join(ROOT, 'target', 'conduit.jar');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Why this machine cannot start the jar (no jar, no Java), or null. */
export function cannotStart() {
  if (!existsSync(JAR)) return `${JAR} is missing (build it with ./mvnw -q -B -DskipTests package)`;
  if (!existsSync(java())) return `no java at ${java()} (set JAVA_HOME to a JDK 21+)`;
  return null;
}

function java() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : '/usr/bin/java';
}

/**
 * Starts the jar with `env` added to the environment; resolves once it is ready (30 s at most).
 * Returns {baseUrl, dataDir, mailDir, stop()}.
 */
export async function startApp(env = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'conduit-e2e-app.'));
  const [port, observe] = [await freePort(), await freePort()];
  // C1 only: a short-lived instance starts faster without the optimising compiler's work.
  const child = spawn(java(), ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', JAR], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', OBSERVE_PORT: String(observe), CONDUIT_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = code ?? signal;
  });
  // Its data is thrown away: no need to wait out a graceful shutdown (seconds on a busy machine).
  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      for (let i = 0; i < 5 && exited === null; i++) await sleep(100);
      if (exited === null) child.kill('SIGKILL');
      for (let i = 0; i < 50 && exited === null; i++) await sleep(100);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (exited !== null) {
      await stop();
      throw new Error(`the app exited during start-up (${exited}): ${stderr}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${observe}/observe/health/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return { baseUrl: `http://127.0.0.1:${port}`, dataDir, mailDir: path.join(dataDir, 'mail'), stop };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`the app was not ready after 30 s: ${stderr}`);
}

/** The mails written so far, oldest first: [{to, subject, text, file}]. */
export function mails(mailDir) {
  if (!existsSync(mailDir)) return [];
  return readdirSync(mailDir).filter((f) => f.endsWith('.eml')).sort().map((f) => {
    const raw = readFileSync(path.join(mailDir, f), 'utf8');
    const header = (name) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1]?.trim() ?? '';
    // The text/plain part's body: the parts are separated by "--conduit-<id>" lines, a part's
    // headers from its body by an empty line.
    const part = raw.split(/^--conduit-\S*\r?$/m).find((p) => /^Content-Type: text\/plain/mi.test(p)) ?? '';
    const text = part.replace(/^[\s\S]*?\r?\n\r?\n/, '');
    return { to: header('To'), subject: header('Subject'), text, file: f };
  });
}

/**
 * Waits for a mail to `to` whose subject matches `subject`, that was not in `seen` (file names),
 * and returns it with `link`: the app route it carries ("#/reset-password?token=...").
 */
export async function waitForMail(mailDir, to, subject, seen = new Set()) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    const mail = mails(mailDir).find((m) => m.to === to && subject.test(m.subject) && !seen.has(m.file));
    if (mail) {
      const link = /\/(#\/[a-z-]+\?token=[^\s"<>]+)/.exec(mail.text)?.[1] ?? null;
      return { ...mail, link };
    }
    await sleep(100); // the outbox sends after the request's transaction, a moment later
  }
  throw new Error(`no mail to ${to} matching ${subject} within ${TIMEOUT_MS} ms; have: ${
    mails(mailDir).map((m) => `${m.to} "${m.subject}"`).join(', ')}`);
}
