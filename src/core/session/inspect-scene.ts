/**
 * The scene editor's questions to a model: its caption of a hand-made scene and its yes/no answer
 * to "is there a <shape> ?" for every shape (POPE-style probes, present and absent alike).
 */
import { markCaption, type MarkedCaption } from '../eval/annotate';
import { generate } from '../model/generate';
import { parseClaims } from '../world/claims';
import type { WorldConfig } from '../world/config';
import { renderScene, toRgba } from '../world/render';
import { sceneShapes, type Scene } from '../world/scene';
import { signTextProblems } from '../world/sign';
import { DESCRIBE_PROMPT, existsPrompt, sceneInWords } from '../world/tasks';
import { SHAPES, type Shape } from '../world/vocabulary';
import type { Model } from './run-session';

export interface ProbeAnswer {
  shape: Shape;
  present: boolean;
  answer: string;
  /** The answer matches the truth ("yes" for present shapes, "no" for absent ones). */
  correct: boolean;
}

export interface SceneInspection {
  caption: MarkedCaption;
  probes: ProbeAnswer[];
}

export async function inspectScene(model: Model, scene: Scene, world: WorldConfig): Promise<SceneInspection> {
  const signProblem = scene.sign && signTextProblems(scene.sign.text)[0];
  if (signProblem) throw new Error(signProblem);
  const image = renderScene(scene, world.imageSize, world.noise);
  const prompts = [DESCRIBE_PROMPT, ...SHAPES.map(existsPrompt)];
  const out = await generate(
    model.weights,
    model.config,
    prompts.map(() => image),
    prompts,
    { maxNewTokens: model.config.textLength },
  );
  const present = sceneShapes(scene);
  return {
    caption: markCaption(out[0]!.text, scene),
    probes: SHAPES.map((shape, i) => {
      const answer = out[i + 1]!.text.trim();
      const said = parseClaims(answer).answer;
      return { shape, present: present.has(shape), answer, correct: said === (present.has(shape) ? 'yes' : 'no') };
    }),
  };
}

export interface DrawnScene {
  rgba: Uint8ClampedArray;
  size: number;
  truth: string;
}

export function drawScene(scene: Scene, world: WorldConfig): DrawnScene {
  return { rgba: toRgba(renderScene(scene, world.imageSize, world.noise)), size: world.imageSize, truth: sceneInWords(scene) };
}
