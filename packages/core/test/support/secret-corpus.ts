/**
 * A corpus of real-shaped FAKE credentials, built at run time from parts so that no token-shaped literal
 * is ever committed (and push protection has nothing to match). Random parts come from a seeded generator,
 * and every part that may hold letters spells FAKE or fake, so a reader sees at once that none is real.
 * Private keys are real keys of no account, generated here by `node:crypto` and thrown away.
 */
import { generateKeyPairSync } from 'node:crypto';

/** One fake credential, placed in a file the way it would be leaked. */
export interface CorpusItem {
  /** What the credential is, e.g. `GitHub classic token`. */
  kind: string;
  /** Workspace-relative file name it is written to. */
  file: string;
  /** The whole file. */
  text: string;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;

/** A deterministic generator (mulberry32), so the corpus is the same on every run. */
function generator(seed: number): (alphabet: string, length: number) => string {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet, length) => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
}

/** Joins parts: the prefixes are split so that no full token prefix appears as one literal either. */
const p = (...parts: string[]) => parts.join('');

function pem(label: string, der: Buffer): string {
  const body = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Every fake credential of the corpus, in a file shaped like the place it would be leaked from. */
export function fakeCredentials(seed = 13): CorpusItem[] {
  const r = generator(seed);
  const ts = (kind: string, value: string, name = 'token') => ({
    kind,
    file: `src/${kind.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.ts`,
    text: `import { connect } from './client.js';\n\nconst ${name} = '${value}';\nexport const client = connect(${name});\n`,
  });
  const env = (kind: string, name: string, value: string) => ({
    kind,
    file: `.env.${kind.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    text: `# local settings\nNODE_ENV=development\n${name}=${value}\n`,
  });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const pkcs8Rsa = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const openssh = p('b3BlbnNzaC1rZXktdjE', 'AAAAAAtzc2gtZWQyNTUxOQAAACBmYWtl', r(B64, 300));
  return [
    ts('AWS access key id', p('AK', 'IA', 'FAKE', r(UPPER + DIGITS, 12)), 'accessKeyId'),
    ts('AWS temporary access key id', p('AS', 'IA', 'FAKE', r(UPPER + DIGITS, 12)), 'accessKeyId'),
    env('AWS secret access key', 'aws_secret_access_key', p('fake', r(B64, 36))),
    ts('GitHub classic token', p('gh', 'p_', 'FAKE', r(ALNUM, 32))),
    ts('GitHub OAuth token', p('gh', 'o_', 'FAKE', r(ALNUM, 32))),
    ts('GitHub app token', p('gh', 's_', 'FAKE', r(ALNUM, 32))),
    ts('GitHub fine-grained token', p('github', '_pat_', '11FAKE', r(ALNUM, 16), '_', 'fake', r(ALNUM, 55))),
    ts('GitLab token', p('gl', 'pat-', 'FAKE', r(ALNUM, 16))),
    ts('Slack bot token', p('xo', 'xb-', '1', r(DIGITS, 11), '-', r(DIGITS, 12), '-', 'FAKE', r(ALNUM, 20))),
    ts('Slack user token', p('xo', 'xp-', '1', r(DIGITS, 11), '-', r(DIGITS, 12), '-', 'fake', r(ALNUM, 28))),
    ts(
      'Slack webhook',
      p('https://hooks.', 'slack.com/services/T', r(UPPER, 8), '/B', r(UPPER, 10), '/', r(ALNUM, 24)),
      'url',
    ),
    {
      kind: 'npm token in .npmrc',
      file: '.npmrc',
      text: p(
        'registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=',
        'np',
        'm_',
        'FAKE',
        r(ALNUM, 32),
        '\n',
      ),
    },
    ts('npm token', p('np', 'm_', 'fake', r(ALNUM, 32))),
    env('OpenAI project key', 'OPENAI_API_KEY', p('sk', '-proj-', 'fake', r(ALNUM, 70), 'T3Blbk', 'FJ', r(ALNUM, 74))),
    env('OpenAI legacy key', 'OPENAI_API_KEY', p('sk', '-', 'fake', r(ALNUM, 16), 'T3Blbk', 'FJ', r(ALNUM, 20))),
    env('Anthropic API key', 'ANTHROPIC_API_KEY', p('sk', '-ant-', 'api03-', 'fake', r(ALNUM + '_-', 89), 'AA')),
    env('Anthropic admin key', 'ANTHROPIC_ADMIN_KEY', p('sk', '-ant-', 'admin01-', 'fake', r(ALNUM + '_-', 89), 'AA')),
    {
      kind: 'RSA private key (PKCS#1)',
      file: 'keys/id_rsa',
      text: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    },
    { kind: 'RSA private key (PKCS#8)', file: 'keys/server.key', text: pkcs8Rsa },
    {
      kind: 'EC private key (SEC1)',
      file: 'keys/ec.pem',
      text: ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
    },
    {
      kind: 'Ed25519 private key (PKCS#8)',
      file: 'keys/ed25519.pem',
      text: ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
    {
      kind: 'OpenSSH private key',
      file: 'keys/id_ed25519',
      text: pem('OPENSSH PRIVATE KEY', Buffer.from(openssh, 'base64')),
    },
    {
      kind: 'GCP service account JSON',
      file: 'gcp-service-account.json',
      text: `${JSON.stringify(
        {
          type: 'service_account',
          project_id: 'fake-project-13',
          private_key_id: r(HEX, 40),
          private_key: pkcs8Rsa,
          client_email: 'fake@fake-project-13.iam.gserviceaccount.com',
          client_id: r(DIGITS, 21),
          token_uri: 'https://oauth2.googleapis.com/token',
        },
        null,
        2,
      )}\n`,
    },
    ts('Google API key', p('AI', 'za', 'Fake', r(ALNUM + '_-', 31)), 'mapsKey'),
    ts('Basic auth URL', p('https://deploy:', 'fake', r(ALNUM, 14), '@artifacts.example.com/releases'), 'url'),
    env('PostgreSQL URL', 'DATABASE_URL', p('postgres://app:', 'fake', r(ALNUM, 16), '@db.example.com:5432/app')),
    env('MongoDB URL', 'MONGO_URL', p('mongodb+srv://app:', 'fake', r(ALNUM, 16), '@cluster0.example.net/app')),
    env('MySQL URL', 'MYSQL_URL', p('mysql://root:', 'fake', r(ALNUM, 16), '@127.0.0.1:3306/shop')),
    ts('Stripe live secret key', p('sk', '_live_', 'fake', r(ALNUM, 24))),
    ts('Stripe restricted key', p('rk', '_live_', 'fake', r(ALNUM, 24))),
    ts('SendGrid key', p('S', 'G.', 'fake', r(ALNUM, 18), '.', 'fake', r(ALNUM, 39))),
    ts('Shopify access token', p('shp', 'at_', 'fake', r(HEX, 28))),
    ts('Hugging Face token', p('h', 'f_', 'fake', r(UPPER + LOWER, 30))),
    ts('Docker Hub token', p('dckr', '_pat_', 'fake', r(ALNUM, 23))),
    ts('HashiCorp Vault token', p('hv', 's.', 'fake', r(ALNUM, 92))),
    ts('Groq key', p('gs', 'k_', 'fake', r(ALNUM, 48))),
    ts('Databricks token', p('da', 'pi', 'fa4e', r(HEX, 28))),
    ts('Linear key', p('lin', '_api_', 'fake', r(ALNUM, 36))),
    ts('Grafana service account token', p('gl', 'sa_', 'fake', r(ALNUM, 28), '_', r(HEX, 8))),
    ts('Tailscale key', p('ts', 'key-', 'auth-', 'kFAKE', r(ALNUM, 8), '-', 'fake', r(ALNUM, 24))),
    ts('Figma token', p('fi', 'gd_', 'fake', r(ALNUM + '_-', 40))),
    env('Twilio API key', 'TWILIO_API_KEY', p('S', 'K', 'fa4e', r(HEX, 28))),
    env(
      'Azure storage connection string',
      'AZURE_STORAGE',
      p(
        'DefaultEndpointsProtocol=https;AccountName=fake;AccountKey=',
        'fake',
        r(B64, 82),
        '==;EndpointSuffix=core.windows.net',
      ),
    ),
    ts('Password assignment', p('Fake', r(ALNUM, 10), '#', r(DIGITS, 4)), 'password'),
  ];
}
