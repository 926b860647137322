import type { BudgetDecision } from '#domain/request-budget.ts';

/**
 * The per-customer API request budget, shared by every process serving the API. `admit` is called once
 * per authenticated request, before any other work; it never throws for the store's sake (a budget
 * that cannot be read lets the request through).
 */
export interface RequestBudget {
  admit(customerId: string): Promise<BudgetDecision>;
}
