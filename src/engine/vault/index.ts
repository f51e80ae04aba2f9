/** Ansible Vault compatibility: what the rest of tsplay uses. */
export { DEFAULT_VAULT_LABEL, formatEnvelope, isVaultText, parseEnvelope, VAULT_HEADER, type VaultEnvelope } from './envelope.js';
export { VaultSecrets, NO_PASSWORD_HINT, type DecryptResult, type VaultPasswordInput } from './vault-secrets.js';
export { loadVaultSecrets, parseVaultId, vaultIdSpecs, PASSWORD_FILE_ENV, type VaultIdSpec, type VaultPasswordOptions } from './load-secrets.js';
export { readVaultPasswordFile } from './password-file.js';
export { askVaultPassword, ttyPromptReader, type AskOptions, type PromptInput, type PromptReader } from './prompt.js';
export { vaultTags, VAULT_TAG, type VaultTagOptions } from './vault-tag.js';
export { parseYamlWithVault, readYamlWithVault, secretStrings, vaultedNumbers, type VaultYamlOptions } from './read-yaml.js';
export { formatEncryptedString } from './encrypt-string.js';
export { editVaultFile, type EditorRunner, type EditResult } from './edit-file.js';
export { writeFileAtomic } from './atomic-write.js';
