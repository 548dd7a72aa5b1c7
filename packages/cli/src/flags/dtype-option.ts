import { Option } from 'commander';
import { MODEL_DTYPES } from '@plugboard/core';

/** `--dtype fp32|int8|int4`: the compute precision a command loads the model at. */
export function dtypeOption(): Option {
  return new Option('--dtype <dtype>', 'compute precision').choices(MODEL_DTYPES).default('fp32');
}
