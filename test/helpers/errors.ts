import type { Response } from 'supertest';

/** Every error answer has one shape: {statusCode, error, message, details[], requestId}. */
export function expectErrorShape(res: Response, status?: number): void {
  if (status !== undefined) expect(res.status).toBe(status);
  expect(res.body).toEqual(
    expect.objectContaining({
      statusCode: res.status,
      error: expect.any(String),
      message: expect.any(String),
      details: expect.any(Array),
    }),
  );
  for (const detail of res.body.details as unknown[]) {
    expect(detail).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  }
}

/** A client error (never a 500) in the error shape, naming `field` in details when given. */
export function expectClientError(res: Response, field?: string): void {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expectErrorShape(res);
  if (field !== undefined) expect((res.body.details as Array<{ field?: string }>).map((d) => d.field)).toContain(field);
}
