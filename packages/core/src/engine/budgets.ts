import { BudgetExceededError } from '../errors.js';
import type { BudgetBreach } from '../model/events.js';
import { totalTokens, type Usage } from '../model/usage.js';
import type { SessionBudgets } from './options.js';

/** Throws {@link BudgetExceededError} for the first budget a session is over. */
export function checkBudgets(budgets: SessionBudgets, usage: Usage, elapsedMs: number): void {
  const tokens = totalTokens(usage);
  if (budgets.tokens !== undefined && tokens > budgets.tokens) {
    throw new BudgetExceededError('tokens', budgets.tokens, tokens);
  }
  if (budgets.costUsd !== undefined && usage.costUsd > budgets.costUsd) {
    throw new BudgetExceededError('cost', budgets.costUsd, usage.costUsd);
  }
  if (budgets.wallTimeMs !== undefined && elapsedMs > budgets.wallTimeMs) {
    throw new BudgetExceededError('wall_time', budgets.wallTimeMs, elapsedMs);
  }
}

/** The error of a budget pause, rebuilt from the log. */
export function budgetError(breach: BudgetBreach): BudgetExceededError {
  return new BudgetExceededError(breach.budget, breach.limit, breach.actual);
}
