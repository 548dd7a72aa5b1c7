import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PlugboardError } from '@plugboard/core';
import { parseSkillManifest } from './parse-manifest.ts';
import type { SkillManifest } from './skill-manifest.ts';
import { readJsonInside } from './read-json-inside.ts';

export const SKILL_MANIFEST_FILE = 'skill.json';
export const PACKAGE_JSON_FILE = 'package.json';
/** The package.json field that makes an npm package a skill. */
export const PACKAGE_MANIFEST_FIELD = 'plugboard';

function invalid(message: string, details: Record<string, unknown>): PlugboardError {
  return new PlugboardError('MANIFEST_INVALID', message, { details });
}

function readPackageJson(root: string, file: string): unknown {
  return readJsonInside(root, file, 'MANIFEST_INVALID');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The manifest in a package.json: its `plugboard` field, with name, version
 * and description taken from the package itself (so they are written once).
 */
function manifestFromPackage(pkg: Record<string, unknown>, path: string): unknown {
  const field = pkg[PACKAGE_MANIFEST_FIELD];
  if (!isRecord(field)) {
    throw invalid(`${path} has no "${PACKAGE_MANIFEST_FIELD}" object: add one holding the skill manifest, or add a ${SKILL_MANIFEST_FILE}`, {
      path,
      fields: [PACKAGE_MANIFEST_FIELD],
    });
  }
  for (const key of ['name', 'version'] as const) {
    if (key in field && field[key] !== pkg[key]) {
      throw invalid(`${path}: ${PACKAGE_MANIFEST_FIELD}.${key} (${JSON.stringify(field[key])}) differs from the package's ${key} (${JSON.stringify(pkg[key])}); leave it out`, {
        path,
        fields: [`${PACKAGE_MANIFEST_FIELD}.${key}`],
      });
    }
  }
  return { name: pkg.name, version: pkg.version, description: pkg.description, ...field };
}

export interface ReadManifest {
  manifest: SkillManifest;
  /** the file it came from (skill.json or package.json) */
  path: string;
}

/**
 * Reads the manifest of the package at `root` (a real path): `skill.json`, or
 * the `plugboard` field of `package.json`. Having both is ambiguous and refused.
 * Only JSON is read: nothing of the package is executed.
 */
export function readSkillManifest(root: string): ReadManifest {
  const skillJson = join(root, SKILL_MANIFEST_FILE);
  const packageJson = join(root, PACKAGE_JSON_FILE);
  const pkg = existsSync(packageJson) ? readPackageJson(root, PACKAGE_JSON_FILE) : undefined;
  if (pkg !== undefined && !isRecord(pkg)) throw invalid(`${packageJson} is not a JSON object`, { path: packageJson });
  if (existsSync(skillJson)) {
    if (pkg !== undefined && PACKAGE_MANIFEST_FIELD in pkg) {
      throw invalid(`${root} has both ${SKILL_MANIFEST_FILE} and a "${PACKAGE_MANIFEST_FIELD}" field in package.json; keep one manifest`, {
        path: root,
        fields: [PACKAGE_MANIFEST_FIELD],
      });
    }
    return { manifest: parseSkillManifest(readPackageJson(root, SKILL_MANIFEST_FILE), skillJson), path: skillJson };
  }
  if (pkg !== undefined) {
    return { manifest: parseSkillManifest(manifestFromPackage(pkg, packageJson), `${packageJson} ("${PACKAGE_MANIFEST_FIELD}" field)`), path: packageJson };
  }
  throw new PlugboardError('FILE_NOT_FOUND', `${root} has neither ${SKILL_MANIFEST_FILE} nor package.json: it is not a skill package`, {
    details: { path: root },
  });
}
