import { existsSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { PlugboardError } from '@plugboard/core';
import { SkillNameSchema } from './skill-manifest.ts';

export type SkillSource = { kind: 'folder' } | { kind: 'package'; packageName: string };

export interface LocatedSkill {
  /** real path of the package folder: every manifest path must stay inside it */
  root: string;
  source: SkillSource;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * The package.json of an installed package, found the way Node finds it,
 * WITHOUT loading the package: require.resolve only computes a path. A package
 * whose `exports` hides ./package.json is found on the same search path.
 */
function resolvePackageJson(name: string, from: string): string | null {
  const base = resolve(from);
  const require = createRequire(base.endsWith(sep) ? base : `${base}${sep}`);
  try {
    return require.resolve(`${name}/package.json`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' && code !== 'MODULE_NOT_FOUND') throw error;
  }
  for (const folder of require.resolve.paths(name) ?? []) {
    const candidate = join(folder, name, 'package.json');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Finds a skill: a folder path, or the name of an installed npm package
 * (resolved from `resolveFrom`, default the working directory). A folder that
 * exists wins over a package of the same name.
 */
export function locateSkill(dirOrPackageName: string, options: { resolveFrom?: string } = {}): LocatedSkill {
  if (isDirectory(dirOrPackageName)) return { root: realpathSync(dirOrPackageName), source: { kind: 'folder' } };
  const from = options.resolveFrom ?? process.cwd();
  if (SkillNameSchema.safeParse(dirOrPackageName).success) {
    const packageJson = resolvePackageJson(dirOrPackageName, from);
    if (packageJson !== null) {
      return { root: realpathSync(dirname(packageJson)), source: { kind: 'package', packageName: dirOrPackageName } };
    }
  }
  throw new PlugboardError(
    'FILE_NOT_FOUND',
    `"${dirOrPackageName}" is neither a skill folder nor an npm package installed where ${from} can see it; ` +
      'give a folder path or install the skill package',
    { details: { skill: dirOrPackageName, resolveFrom: from } },
  );
}
