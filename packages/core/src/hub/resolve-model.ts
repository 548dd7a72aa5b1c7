import { existsSync } from 'node:fs';
import { PlugboardError, isPlugboardError } from '../errors/plugboard-error.ts';
import { ggufModelFolder } from '../gguf/gguf-model-folder.ts';
import { isGgufPath } from '../gguf/gguf-path.ts';
import type { HubOptions } from './hub-options.ts';
import { parseHubModelId } from './model-id.ts';
import { pullModel } from './pull-model.ts';

/**
 * The model folder `idOrDir` names: a local folder as it is, a .gguf file as
 * the folder derived from its metadata (see ggufModelFolder), else a Hugging
 * Face id (`org/name[@revision]`) from the huggingface_hub cache, pulled
 * from the hub first when needed (see pullModel).
 */
export async function resolveModel(idOrDir: string, options: HubOptions & { ggufCacheDir?: string } = {}): Promise<string> {
  if (isGgufPath(idOrDir)) return ggufModelFolder(idOrDir, options.ggufCacheDir);
  if (existsSync(idOrDir)) return idOrDir;
  if (parseHubModelId(idOrDir) === null) {
    throw new PlugboardError('FILE_NOT_FOUND', `model folder ${idOrDir} does not exist (nor is it a Hugging Face id org/name[@revision])`, { details: { path: idOrDir } });
  }
  try {
    return (await pullModel(idOrDir, options)).dir;
  } catch (error) {
    // "org/name" may also have been meant as a relative folder: say that none exists
    if (!isPlugboardError(error, 'HUB_ERROR')) throw error;
    throw new PlugboardError('HUB_ERROR', `${error.message} (there is no local folder "${idOrDir}" either)`, { cause: error, details: error.details });
  }
}
