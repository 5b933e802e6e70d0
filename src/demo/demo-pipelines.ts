/**
 * Small Argo Workflows for the demo, in the shapes of Argo's own examples (hello-world, artifact passing, a DAG
 * diamond). Inline so the embedded default needs no file beside the project.
 */
export const HELLO_WORLD = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-world-
spec:
  entrypoint: hello-world
  arguments:
    parameters:
      - name: message
        value: hello world
  templates:
    - name: hello-world
      inputs:
        parameters:
          - name: message
      container:
        image: busybox
        command: [echo]
        args: ["{{inputs.parameters.message}}"]
`;

export const TRAIN_AND_EVALUATE = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: train-and-evaluate-
spec:
  entrypoint: main
  arguments:
    parameters:
      - name: epochs
        value: "3"
      - name: learning-rate
  templates:
    - name: main
      dag:
        tasks:
          - name: prepare
            template: prepare
          - name: train
            template: train
            dependencies: [prepare]
            arguments:
              artifacts:
                - name: dataset
                  from: "{{tasks.prepare.outputs.artifacts.dataset}}"
          - name: evaluate
            template: evaluate
            dependencies: [train]
            arguments:
              artifacts:
                - name: model
                  from: "{{tasks.train.outputs.artifacts.model}}"
    - name: prepare
      container:
        image: python:3.12-slim
        command: [python, -c, "open('/tmp/dataset.csv','w').write('x,y\\\\n1,2\\\\n')"]
      outputs:
        artifacts:
          - name: dataset
            path: /tmp/dataset.csv
    - name: train
      inputs:
        artifacts:
          - name: dataset
            path: /tmp/dataset.csv
      container:
        image: python:3.12-slim
        command: [python, -c, "open('/tmp/model.bin','w').write('model')"]
      outputs:
        artifacts:
          - name: model
            path: /tmp/model.bin
    - name: evaluate
      inputs:
        artifacts:
          - name: model
            path: /tmp/model.bin
      container:
        image: python:3.12-slim
        command: [python, -c, "open('/tmp/metrics.json','w').write('{}')"]
      outputs:
        artifacts:
          - name: metrics
            path: /tmp/metrics.json
`;
