import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateBy } from 'class-validator';
import type { WebhookDelivery, WebhookSubscription } from '@prisma/client';
import { isEventFilter, WEBHOOK_EVENT_TYPES } from '@berth/webhooks';
import { TenantIdParam } from '../../common/name.param';
import { RequestSchema } from '@berth/common';

const FILTERS = `one of ${WEBHOOK_EVENT_TYPES.join(', ')}; or a wildcard: \`namespace-request.*\`, \`namespace.*\`, \`preview.*\`, \`*\``;

@RequestSchema()
export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://portal.example.com/hooks/berth',
    pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
    description:
      'http or https. Refused (422, `webhook.destination-forbidden`) when the host is or resolves to a private, loopback, link-local, CGNAT, multicast or unspecified address, unless the platform allows it',
  })
  @IsString()
  @MaxLength(2000)
  @Matches(/^https?:\/\//i, { message: 'url must be an http:// or https:// URL' })
  url: string;

  @ApiProperty({ type: [String], example: ['namespace.*', 'namespace-request.approved'], description: `Event types: ${FILTERS}` })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(30)
  @ValidateBy(
    {
      name: 'isEventFilter',
      validator: { validate: (v: unknown) => typeof v === 'string' && isEventFilter(v), defaultMessage: () => `each event type must be ${FILTERS}` },
    },
    { each: true },
  )
  eventTypes: string[];

  @ApiPropertyOptional({ example: 'Backstage catalog sync' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;
}

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The tenant; null for a platform-wide webhook' }) tenant: string | null;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) eventTypes: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) description: string | null;
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'After a rotation: until when the previous secret still signs (a second signature)' })
  previousSecretExpiresAt: Date | null;

  static from(row: WebhookSubscription, tenant: string | null): WebhookResponse {
    return {
      id: row.id,
      tenant,
      url: row.url,
      eventTypes: row.eventTypes,
      description: row.description,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      previousSecretExpiresAt: row.previousSecretExpiresAt,
    };
  }
}

export class CreatedWebhookResponse extends WebhookResponse {
  @ApiProperty({
    description: 'The signing secret (Standard Webhooks `whsec_<base64>`). Shown once: at creation and at each rotation.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  secret: string;
}

export class WebhookPage {
  @ApiProperty({ type: [WebhookResponse] }) items: WebhookResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class WebhookDeliveryResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'The `webhook-id` header: the same for every attempt and redelivery of one event', example: 'msg_2b8c…' }) messageId: string;
  @ApiProperty({ example: 'namespace.committed' }) eventType: string;
  @ApiProperty({ description: '`<cluster>/<namespace>`: deliveries of one namespace are sent in order', example: 'prod-eu-1/payments-api' })
  orderingKey: string;
  @ApiProperty({ enum: ['Pending', 'Succeeded', 'Dead'], description: '`Dead`: given up after the configured number of attempts (redeliver it to try again)' })
  status: string;
  @ApiProperty({ description: 'Attempts made so far' }) attempts: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: "The last attempt's HTTP status (null: no answer)" }) lastStatusCode: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) lastDurationMs: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'When a pending delivery is (re)tried next' }) nextAttemptAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) deliveredAt: Date | null;
  @ApiProperty() createdAt: Date;

  static from(row: WebhookDelivery): WebhookDeliveryResponse {
    return {
      id: row.id,
      messageId: row.messageId,
      eventType: row.eventType,
      orderingKey: row.orderingKey,
      status: row.status,
      attempts: row.attempts,
      lastStatusCode: row.lastStatusCode,
      lastDurationMs: row.lastDurationMs,
      lastError: row.lastError,
      nextAttemptAt: row.status === 'Pending' ? row.nextAttemptAt : null,
      deliveredAt: row.deliveredAt,
      createdAt: row.createdAt,
    };
  }
}

export class WebhookDeliveryPage {
  @ApiProperty({ type: [WebhookDeliveryResponse] }) items: WebhookDeliveryResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class TenantDeliveryParam extends TenantIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  deliveryId: string;
}

export class DeliveryParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  id: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  deliveryId: string;
}
