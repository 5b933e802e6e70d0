import { asArray, isJsonObject } from './workflow-types.js';
import type { Template } from './workflow-types.js';

/**
 * The component spec KFP v1's compiler writes on each template; KFP's metadata writer reads the output types from
 * it (KFP: backend/metadata_writer/src/metadata_writer.py, KFP_COMPONENT_SPEC_ANNOTATION_KEY).
 */
export const COMPONENT_SPEC_ANNOTATION = 'pipelines.kubeflow.org/component_spec';

/**
 * A component spec's I/O type → its artifact schema title, as KFP's SDK maps them
 * (KFP: sdk/python/kfp/dsl/types/type_utils.py ARTIFACT_CLASSES_MAPPING, artifact_types.py `schema_title`).
 */
const SCHEMA_TITLES: Readonly<Record<string, string>> = {
  artifact: 'system.Artifact',
  model: 'system.Model',
  dataset: 'system.Dataset',
  metrics: 'system.Metrics',
  classificationmetrics: 'system.ClassificationMetrics',
  slicedclassificationmetrics: 'system.SlicedClassificationMetrics',
  html: 'system.HTML',
  markdown: 'system.Markdown',
};
/** Already a schema title (`system.Model`, `google.VertexDataset`). */
const SCHEMA_TITLE = /^(system|google)\.[A-Za-z]+$/;

/**
 * The schema title of each output artifact the template's component spec types, keyed by the Argo artifact
 * name: the output name sanitised as KFP's compiler does, with or without the `<template>-` prefix
 * (metadata_writer.py output_name_to_argo). Outputs the spec does not type are absent (system.Artifact).
 */
export function outputSchemaTitles(template: Template | undefined): ReadonlyMap<string, string> {
  const titles = new Map<string, string>();
  const text = template?.metadata?.annotations?.[COMPONENT_SPEC_ANNOTATION];
  if (text === undefined) return titles;
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch {
    return titles;
  }
  for (const output of asArray(isJsonObject(spec) ? spec.outputs : undefined)) {
    if (!isJsonObject(output) || typeof output.name !== 'string' || typeof output.type !== 'string') continue;
    const type = output.type;
    const title = SCHEMA_TITLE.test(type) ? type : SCHEMA_TITLES[type.toLowerCase()];
    if (title === undefined) continue;
    const argoName = output.name
      .replace(/[^-_0-9A-Za-z]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-+|-+$/g, '');
    titles.set(argoName, title);
    if (typeof template?.name === 'string') titles.set(`${template.name}-${argoName}`, title);
  }
  return titles;
}
