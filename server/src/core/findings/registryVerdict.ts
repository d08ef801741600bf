/**
 * What the registry's answer alone says about a name, wherever the name was written (an import, a
 * package.json entry): it does not exist (with the closest real names), it could not be verified,
 * or it exists but imitates a far more popular package. Undefined when it exists and is no squat:
 * the caller then judges what only it knows (declared? installed? a satisfiable range?).
 * The popularity index must be loaded (`index.ready()`).
 */
import type { Finding, FindingData, PackageInfo, Range, Severity } from '../model';
import type { PopularIndex } from '../suggest/popularIndex';
import { missingPackageMessage, pypiMissingRequirementMessage, squatMessage, unverifiedMessage } from './messages';
import { normalizePythonName } from '../extract/requirements';
import { riskMessage, type RiskAssessment } from './risk';

export function registryVerdict(
  name: string,
  info: PackageInfo,
  range: Range,
  data: FindingData,
  index: PopularIndex,
  severities: Record<string, Severity>,
  /** The name's risk signals, when it was assessed (findings/risk.ts). */
  risk?: RiskAssessment,
): Finding | undefined {
  if (info.status === 'missing') {
    const suggestions = index.suggest(name).map((s) => s.name);
    return { code: 'missing-package', severity: severities['missing-package'], range, message: missingPackageMessage(name, info, suggestions), data: { ...data, suggestions } };
  }
  if (info.status === 'unverified') {
    return { code: 'unverified-package', severity: severities['unverified-package'], range, message: unverifiedMessage(name, info), data: { ...data, unverifiedReason: info.reason } };
  }
  // A near miss of a far more popular name: its fix is the popular name, never an install.
  const squat = index.squatOf(name);
  if (squat) return { code: 'suspicious-package', severity: severities['suspicious-package'], range, message: squatMessage(name, squat), data: { ...data, suggestions: [squat.popular] } };
  if (info.held) {
    const suggestions = index.suggest(name).map((s) => s.name);
    return { code: 'suspicious-package', severity: severities['suspicious-package'], range, message: `'${name}' is held by ${info.registry}: ${info.note}. Nothing of it can be installed; registries do this to packages under security review.${suggestions.length ? ` Did you mean '${suggestions[0]}'?` : ''}`, data: { ...data, suggestions } };
  }
  if (risk?.suspicious) return { code: 'suspicious-package', severity: severities['suspicious-package'], range, message: riskMessage(name, risk), data: { ...data, suggestions: risk.imitation ? [risk.imitation.popular] : [] } };
  return undefined;
}

/**
 * The same for a PyPI distribution named in a requirement or an install command: it does not exist
 * on the index (with the closest real names), or the index could not be asked. The PyPI popularity
 * index must be loaded.
 */
export function pypiRegistryVerdict(
  name: string,
  info: PackageInfo,
  range: Range,
  data: FindingData,
  index: PopularIndex,
  severities: Record<string, Severity>,
): Finding | undefined {
  if (info.status === 'missing') {
    const suggestions = index.suggest(normalizePythonName(name)).map((s) => s.name);
    return { code: 'missing-package', severity: severities['missing-package'], range, message: pypiMissingRequirementMessage(name, info, suggestions), data: { ...data, suggestions } };
  }
  if (info.status === 'unverified') {
    return { code: 'unverified-package', severity: severities['unverified-package'], range, message: unverifiedMessage(name, info), data: { ...data, unverifiedReason: info.reason } };
  }
  return undefined;
}
