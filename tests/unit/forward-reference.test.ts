import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/core/tf';
import { loadCheckpointDir } from '../../src/cli/checkpoint-files';
import { tokenLogProbs } from '../../src/core/model/logprobs';
import { disposeBatch, encodeText, makeSequenceBatch } from '../../src/core/model/sequence';
import { disposeWeights, type Weights } from '../../src/core/model/weights';
import type { ModelConfig } from '../../src/core/model/config';
import { renderScene } from '../../src/core/world/render';
import type { Scene } from '../../src/core/world/scene';

/**
 * The forward pass against fixed numbers from an independent implementation: the shipped model's
 * log-probabilities of a few (scene, prompt, response) cases, computed by the PyTorch peer
 * (../shared/perf/torch_peer.py) in float64. The fixture says how it was made; remake it when the
 * model, the renderer or the tokenizer changes on purpose.
 */
interface Case {
  scene: Scene;
  noise: number;
  prompt: string;
  response: string;
  tokens: number[];
  pixelSum: number;
  tokenLogProbs: number[];
  logProb: number;
}
const FIXTURE = JSON.parse(readFileSync('tests/unit/fixtures/forward-reference.json', 'utf8')) as {
  checksum: string;
  cases: Case[];
};
/** float32 tfjs against float64 PyTorch: the two agree to about 1e-5 per sequence. */
const TOLERANCE = 2e-5;

describe('the forward pass against the PyTorch peer', () => {
  let model: { weights: Weights; config: ModelConfig };
  let backend: string;
  beforeAll(async () => {
    model = await loadCheckpointDir('models/sft-base');
    backend = tf.getBackend();
  });
  afterAll(async () => {
    await tf.setBackend(backend);
    disposeWeights(model.weights);
  });

  it('scores the same inputs the fixture was made from', () => {
    const header = JSON.parse(readFileSync('models/sft-base/checkpoint.json', 'utf8')) as { checksum: string };
    expect(header.checksum, 'models/sft-base changed: remake the fixture').toBe(FIXTURE.checksum);
    for (const c of FIXTURE.cases) {
      const pixels = renderScene(c.scene, model.config.imageSize, c.noise).reduce((sum, v) => sum + v, 0);
      expect(pixels, 'the renderer changed: remake the fixture').toBeCloseTo(c.pixelSum, 3);
      expect(Array.from(encodeText(c.prompt, c.response).tokens), 'the tokenizer changed: remake the fixture').toEqual(c.tokens);
    }
  });

  it.each(['wasm', 'cpu'])('on %s: every response token and every sequence within 2e-5 of the reference', async (name) => {
    await tf.setBackend(name);
    const texts = FIXTURE.cases.map((c) => encodeText(c.prompt, c.response));
    const batch = makeSequenceBatch(
      FIXTURE.cases.map((c) => renderScene(c.scene, model.config.imageSize, c.noise)),
      texts,
    );
    const perToken = tokenLogProbs(model.weights, model.config, batch);
    const values = await perToken.array();
    tf.dispose(perToken);
    disposeBatch(batch);
    FIXTURE.cases.forEach((c, i) => {
      // Position t-1 of the output scores token t; the fixture lists the scored tokens in order.
      const scored = values[i]!.filter((_, t) => texts[i]!.targetMask[t + 1] === 1);
      expect(scored).toHaveLength(c.tokenLogProbs.length);
      const worst = Math.max(...scored.map((v, t) => Math.abs(v - c.tokenLogProbs[t]!)));
      expect(worst, `${c.prompt} / ${c.response}: per token`).toBeLessThan(TOLERANCE);
      const sum = scored.reduce((s, v) => s + v, 0);
      expect(Math.abs(sum - c.logProb), `${c.prompt} / ${c.response}: sequence`).toBeLessThan(TOLERANCE);
    });
  });
});
