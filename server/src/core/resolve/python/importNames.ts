/**
 * Import names whose distribution is called something else, for what the generated data
 * (server/data/python-import-names.json, from Debian's Contents index and typeshed) does not cover:
 * packages Debian does not ship (opencv, pyobjc, adafruit-blinka) and alternatives it does not know
 * (psycopg2-binary). Dotted namespace imports (`azure.storage.blob`) need no entry: their
 * candidates come from the dotted path.
 */
import { nodeFileSystem as fs } from '../../io';
import { dataFile } from '../../dataFiles';
import { normalizePythonName } from '../../extract/requirements';

export const IMPORT_TO_DISTRIBUTIONS: Record<string, string[]> = {
  cv2: ['opencv-python', 'opencv-python-headless', 'opencv-contrib-python'],
  Crypto: ['pycryptodome', 'pycrypto'],
  pptx: ['python-pptx'],
  psycopg2: ['psycopg2', 'psycopg2-binary'],
  pkg_resources: ['setuptools'],
  Levenshtein: ['python-Levenshtein', 'Levenshtein'],
  // PyObjC: the core bridge and the Cocoa umbrella's frameworks
  objc: ['pyobjc-core', 'pyobjc'],
  PyObjCTools: ['pyobjc-core', 'pyobjc'],
  Foundation: ['pyobjc-framework-Cocoa', 'pyobjc'],
  AppKit: ['pyobjc-framework-Cocoa', 'pyobjc'],
  CoreFoundation: ['pyobjc-framework-Cocoa', 'pyobjc'],
  Cocoa: ['pyobjc-framework-Cocoa', 'pyobjc'],
  Quartz: ['pyobjc-framework-Quartz', 'pyobjc'],
  // Adafruit Blinka: CircuitPython's hardware modules on Linux boards
  board: ['adafruit-blinka'],
  busio: ['adafruit-blinka'],
  digitalio: ['adafruit-blinka'],
  analogio: ['adafruit-blinka'],
  microcontroller: ['adafruit-blinka'],
  pwmio: ['adafruit-blinka'],
  pycrfsuite: ['python-crfsuite'],
  pybullet_data: ['pybullet'],
  sklearnex: ['scikit-learn-intelex'],
  daal4py: ['scikit-learn-intelex', 'daal4py'],
  mx: ['mxnet'],
  tflite_runtime: ['tflite-runtime'],
  faiss: ['faiss-cpu', 'faiss-gpu'],
  speech_recognition: ['SpeechRecognition'],
  pydantic_settings: ['pydantic-settings'],
  tensorflow_hub: ['tensorflow-hub'],
  mdx: ['Markdown'],
  Image: ['Pillow'],
  pkg_about: ['pkg-about'],
  tz: ['tzdata'],
  ffmpeg: ['ffmpeg-python'],
  whisper: ['openai-whisper'],
  llama_cpp: ['llama-cpp-python'],
};

const LOWERCASE = new Map(Object.entries(IMPORT_TO_DISTRIBUTIONS).map(([k, v]) => [k.toLowerCase(), v]));

/** Families named by a pattern rather than one by one. */
const FAMILIES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^aliyunsdk(\w+)$/, (m) => `aliyun-python-sdk-${m[1]}`], // aliyunsdkrds -> aliyun-python-sdk-rds
  [/^win32\w+$/, () => 'pywin32'],
];

interface ImportNameData {
  /** import name (or namespace.package) -> [distribution, sources] */
  imports: Record<string, [string, string][]>;
  sameName: string[];
}

let generated: { imports: Map<string, string[]>; sameName: Set<string> } | undefined;

/** server/data/python-import-names.json (scripts/build-import-names.ts: Debian's Contents index and typeshed). */
function importNameData(): NonNullable<typeof generated> {
  if (!generated) {
    const json = JSON.parse(fs.readFile(dataFile('python-import-names.json')) ?? '{"imports":{},"sameName":[]}') as ImportNameData;
    generated = { imports: new Map(Object.entries(json.imports).map(([k, v]) => [k, v.map(([d]) => d)])), sameName: new Set(json.sameName) };
  }
  return generated;
}

/** What real package metadata says provides an import name (empty when it says nothing). */
export function knownDistributions(module: string): string[] {
  const data = importNameData();
  const top = module.split('.')[0];
  const out = [...(IMPORT_TO_DISTRIBUTIONS[top] ?? LOWERCASE.get(top.toLowerCase()) ?? []), ...(data.imports.get(top) ?? [])];
  for (const [pattern, dist] of FAMILIES) {
    const m = pattern.exec(top);
    if (m) out.push(dist(m));
  }
  return out;
}

/** A PEP 508 distribution name (after normalisation); anything else is never sent to an index. */
export function isValidDistributionName(name: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name);
}

/**
 * The distributions that could provide an import, most likely first.
 * - A top level that package metadata knows (a distribution of that name ships it, or another
 *   does: yaml -> PyYAML, django_filters -> django-filter) is credited to those distributions,
 *   never to `<top>-<submodule>` (`packaging.utils` is packaging, not a `packaging-utils` project).
 * - A namespace shared by several distributions goes by its known second level
 *   (google.protobuf -> protobuf), else by the dotted path, longest first
 *   (google.cloud.storage -> google-cloud-storage, google-cloud, google).
 * - A top level nothing knows goes by the dotted path too.
 * Names that are not valid distribution names (`_distutils_hack` would be `-distutils-hack`) are
 * dropped; a leading underscore is tried without it (`_pytest` -> pytest).
 */
export function candidateDistributions(module: string): string[] {
  const data = importNameData();
  const parts = module.split('.');
  const top = parts[0];
  const known = knownDistributions(module);
  const same = data.sameName.has(top);
  const namespace = !same && (data.imports.get(top)?.length ?? 0) >= 3;
  const out: string[] = [];
  if (namespace || (known.length === 0 && !same)) {
    if (parts.length > 1) out.push(...(data.imports.get(`${top}.${parts[1]}`) ?? []));
    for (let n = Math.min(parts.length, 4); n >= 1; n--) out.push(parts.slice(0, n).join('-'));
    // (a namespace's many providers say nothing about this import: not asked)
    if (!namespace) out.push(...known);
  } else {
    if (same) out.push(top);
    out.push(...known, top);
  }
  if (top.startsWith('_') && known.length === 0) out.push(top.replace(/^_+/, ''));
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = normalizePythonName(d);
    if (seen.has(key) || !isValidDistributionName(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Import name for each distribution the data knows of (for suggestions: PyYAML is imported as yaml). */
export function importNameOfDistribution(distribution: string): string | undefined {
  if (!reverse) {
    reverse = new Map();
    for (const [imp, dists] of Object.entries(IMPORT_TO_DISTRIBUTIONS)) for (const d of dists) if (!reverse.has(normalizePythonName(d))) reverse.set(normalizePythonName(d), imp);
    for (const [imp, dists] of importNameData().imports) if (!imp.includes('.')) for (const d of dists) if (!reverse.has(normalizePythonName(d))) reverse.set(normalizePythonName(d), imp);
  }
  return reverse.get(normalizePythonName(distribution));
}
let reverse: Map<string, string> | undefined;
