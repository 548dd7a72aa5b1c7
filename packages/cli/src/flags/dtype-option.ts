import { Option } from 'commander';
import { MODEL_DTYPES } from '@plugboard/core';

/** `--dtype fp32|int8|int4`: the compute precision a command loads the model at. */
export function dtypeOption(): Option {
  return new Option('--dtype <dtype>', 'compute precision').choices(MODEL_DTYPES).default('fp32');
}

/** `--prefill-dtype int8`: prefill prompts with a second graph at this precision (loadModel's prefillDtype), e.g. int4 decode with int8 prefill. */
export function prefillDtypeOption(): Option {
  return new Option('--prefill-dtype <dtype>', 'prefill prompts at this precision (a second graph; decode stays at --dtype)').choices(MODEL_DTYPES);
}
