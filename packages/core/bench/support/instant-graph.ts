/**
 * The LangGraph.js baseline of the engine benchmarks: a plan → execute → verify StateGraph whose nodes are as
 * instant as the hub's actors (`instant-actors.ts`), on the checkpointer a bench hands in.
 */
import { Annotation, type BaseCheckpointSaver, END, START, StateGraph } from '@langchain/langgraph';
import { nextInstruction, REPORT, runPool, VERDICT } from './instant-actors.js';

/** The compiled graph on `checkpointer`; `run` invokes it `total` times, `concurrency` at once, each on a thread of its own. */
export function instantGraph(checkpointer: BaseCheckpointSaver): {
  run(total: number, concurrency: number): Promise<void>;
} {
  const State = Annotation.Root({
    request: Annotation<string>(),
    instruction: Annotation<string>(),
    report: Annotation<typeof REPORT>(),
    verdict: Annotation<typeof VERDICT>(),
  });
  const graph = new StateGraph(State)
    .addNode('plan', async () => ({ instruction: nextInstruction() }))
    .addNode('execute', async () => ({ report: REPORT }))
    .addNode('verify', async () => ({ verdict: VERDICT }))
    .addEdge(START, 'plan')
    .addEdge('plan', 'execute')
    .addEdge('execute', 'verify')
    .addEdge('verify', END)
    .compile({ checkpointer });
  let thread = 0;
  return {
    run: (total, concurrency) =>
      runPool(total, concurrency, async () => {
        const out = await graph.invoke(
          { request: 'greet visitors by name' },
          { configurable: { thread_id: `t${concurrency}-${thread++}` } },
        );
        if (!out.verdict.passed) throw new Error('graph failed');
      }),
  };
}
