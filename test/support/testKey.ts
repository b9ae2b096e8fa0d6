import { StoreKey } from '../../src/core/provenance/key';

/** The store key tests sign with: fixed, so a record a test writes is signed the same every time. */
export const TEST_KEY = StoreKey.fromBytes(new Uint8Array(32).fill(7), 'test');

/** Another installation's key: records it signed are foreign to TEST_KEY. */
export const OTHER_KEY = StoreKey.fromBytes(new Uint8Array(32).fill(9), 'other');
