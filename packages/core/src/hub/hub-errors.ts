import { PlugboardError } from '../errors/plugboard-error.ts';
import { causeMessage } from '../hf/cause-message.ts';

/** What the hub said went wrong: its X-Error-Code / X-Error-Message headers when it sent them. */
function hubReason(response: Response): string {
  const code = response.headers.get('x-error-code');
  const message = response.headers.get('x-error-message');
  return [code, message].filter(Boolean).join(': ');
}

/** A failed hub response as a HUB_ERROR naming the repo and what to do. */
export function hubHttpError(response: Response, what: { repo: string; revision: string; file?: string }): PlugboardError {
  const target = `${what.repo}@${what.revision}${what.file ? ` (${what.file})` : ''}`;
  const reason = hubReason(response);
  const said = reason ? ` — the hub said ${reason}` : '';
  const details = { repo: what.repo, revision: what.revision, file: what.file, status: response.status };
  const errorCode = response.headers.get('x-error-code');
  if (errorCode === 'RevisionNotFound') {
    return new PlugboardError('HUB_ERROR', `revision "${what.revision}" of ${what.repo} was not found (HTTP ${response.status})${said}: check the branch, tag or commit`, { details });
  }
  if (response.status === 401 || response.status === 403) {
    return new PlugboardError(
      'HUB_ERROR',
      `the hub refused ${target} (HTTP ${response.status})${said}: the repo is private, gated or does not exist — set HF_TOKEN to a token that can read it, and accept the model's license on its page if it is gated`,
      { details },
    );
  }
  if (response.status === 404) {
    const subject = what.file && errorCode === 'EntryNotFound' ? `file ${what.file} of ${what.repo}@${what.revision}` : `repo ${what.repo} or its revision ${what.revision}`;
    return new PlugboardError('HUB_ERROR', `${subject} was not found on the hub (HTTP 404)${said}: check the id, org/name[@revision]`, { details });
  }
  return new PlugboardError('HUB_ERROR', `the hub answered HTTP ${response.status} for ${target}${said}: try again later, or use a mirror with HF_ENDPOINT`, { details });
}

/** The hub could not be reached at all. */
export function hubUnreachableError(endpoint: string, repo: string, cause: unknown): PlugboardError {
  return new PlugboardError(
    'HUB_ERROR',
    `cannot reach ${endpoint} for ${repo} (${causeMessage(cause)}${cause instanceof Error && cause.cause ? `: ${causeMessage(cause.cause)}` : ''}): check the network or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only models already in the cache`,
    { cause, details: { repo, endpoint } },
  );
}
