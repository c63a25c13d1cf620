export const TEST_JWT_SECRET = 'berth-test-secret-0123456789abcdef-0123456789';
export const TEST_ISSUER = 'https://idp.test';
export const TEST_AUDIENCE = 'berth';
export const ADMIN_GROUP = 'platform-admins';
