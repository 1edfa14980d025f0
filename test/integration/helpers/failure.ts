import { expect } from 'vitest';
import { Failure } from '../../../contract/errors';

/** The Failure a promise rejects with; the test fails if it resolves or rejects with anything else. */
export async function failureOf(promise: Promise<unknown>): Promise<Failure> {
  const caught = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(caught).toBeInstanceOf(Failure);
  return caught as Failure;
}
