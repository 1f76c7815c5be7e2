

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ConsumptionThreshold',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('car', 'Car'), ('utility', 'Utility vehicle'), ('truck', 'Truck'), ('bus', 'Bus'), ('motorcycle', 'Motorcycle'), ('machine', 'Machine')], max_length=12, unique=True)),
                ('max_l_per_100km', models.DecimalField(decimal_places=2, max_digits=6)),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('max_l_per_100km__gt', 0)), name='parc_threshold_positive')],
            },
        ),
        migrations.CreateModel(
            name='Driver',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120)),
                ('name_ar', models.CharField(blank=True, max_length=120)),
                ('licence', models.CharField(blank=True, max_length=40)),
                ('phone', models.CharField(blank=True, max_length=30)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['name'],
                'constraints': [models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='parc_driver_name')],
            },
        ),
        migrations.CreateModel(
            name='Service',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name_fr', models.CharField(max_length=120, unique=True)),
                ('name_ar', models.CharField(blank=True, max_length=120)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['name_fr'],
                'constraints': [models.CheckConstraint(condition=models.Q(('name_fr', ''), _negated=True), name='parc_service_name')],
            },
        ),
        migrations.CreateModel(
            name='Vehicle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('plate', models.CharField(max_length=20, unique=True)),
                ('plate_ar', models.CharField(max_length=20)),
                ('kind', models.CharField(choices=[('car', 'Car'), ('utility', 'Utility vehicle'), ('truck', 'Truck'), ('bus', 'Bus'), ('motorcycle', 'Motorcycle'), ('machine', 'Machine')], max_length=12)),
                ('brand', models.CharField(blank=True, max_length=60)),
                ('model', models.CharField(blank=True, max_length=60)),
                ('fuel', models.CharField(choices=[('diesel', 'Diesel'), ('petrol', 'Petrol')], default='diesel', max_length=8)),
                ('tank_litres', models.PositiveIntegerField(blank=True, null=True)),
                ('state', models.CharField(choices=[('in_service', 'In service'), ('in_repair', 'In repair'), ('reformed', 'Reformed')], default='in_service', max_length=12)),
                ('reformed_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('service', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='vehicles', to='parc.service')),
            ],
            options={
                'ordering': ['plate'],
            },
        ),
        migrations.CreateModel(
            name='StateChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_state', models.CharField(max_length=12)),
                ('to_state', models.CharField(max_length=12)),
                ('on', models.DateField()),
                ('reason', models.CharField(max_length=300)),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('vehicle', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='state_changes', to='parc.vehicle')),
            ],
            options={
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='OdometerReading',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.PositiveIntegerField()),
                ('read_on', models.DateField()),
                ('source', models.CharField(choices=[('manual', 'Reading'), ('fuel', 'Fuel'), ('maintenance', 'Maintenance'), ('mission', 'Mission')], default='manual', max_length=12)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('vehicle', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='readings', to='parc.vehicle')),
            ],
            options={
                'ordering': ['-value', '-id'],
            },
        ),
        migrations.CreateModel(
            name='MissionOrder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('number', models.PositiveIntegerField()),
                ('code', models.CharField(max_length=12, unique=True)),
                ('agent_name', models.CharField(max_length=120)),
                ('agent_function', models.CharField(blank=True, max_length=120)),
                ('destination', models.CharField(max_length=200)),
                ('purpose', models.CharField(max_length=300)),
                ('depart_on', models.DateField()),
                ('return_on', models.DateField()),
                ('status', models.CharField(choices=[('issued', 'Issued'), ('completed', 'Completed'), ('cancelled', 'Cancelled')], default='issued', max_length=10)),
                ('start_odometer', models.PositiveIntegerField(blank=True, null=True)),
                ('end_odometer', models.PositiveIntegerField(blank=True, null=True)),
                ('cancel_reason', models.CharField(blank=True, max_length=300)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('driver', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='missions', to='parc.driver')),
                ('vehicle', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='missions', to='parc.vehicle')),
            ],
            options={
                'ordering': ['-year', '-number'],
            },
        ),
        migrations.CreateModel(
            name='Maintenance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('service', 'Service'), ('repair', 'Repair'), ('tyres', 'Tyres'), ('other', 'Other')], max_length=10)),
                ('description', models.CharField(max_length=300)),
                ('supplier', models.CharField(blank=True, max_length=120)),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12)),
                ('odometer', models.PositiveIntegerField()),
                ('done_on', models.DateField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('vehicle', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='maintenances', to='parc.vehicle')),
            ],
            options={
                'ordering': ['-done_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Assignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('start_on', models.DateField()),
                ('end_on', models.DateField(blank=True, null=True)),
                ('note', models.CharField(blank=True, max_length=300)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('ended_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('driver', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='parc.driver')),
                ('vehicle', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='parc.vehicle')),
            ],
            options={
                'ordering': ['-start_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='VehicleDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('insurance', 'Insurance'), ('inspection', 'Technical inspection'), ('vignette', 'Vignette')], max_length=12)),
                ('reference', models.CharField(blank=True, max_length=80)),
                ('issuer', models.CharField(blank=True, max_length=120)),
                ('valid_from', models.DateField()),
                ('valid_until', models.DateField()),
                ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('vehicle', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='parc.vehicle')),
            ],
            options={
                'ordering': ['-valid_until', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ExpiryNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('days_before', models.PositiveSmallIntegerField()),
                ('announced_at', models.DateTimeField(auto_now_add=True)),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notices', to='parc.vehicledocument')),
            ],
            options={
                'ordering': ['-announced_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='VoucherBook',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('number', models.PositiveIntegerField()),
                ('fuel', models.CharField(choices=[('diesel', 'Diesel'), ('petrol', 'Petrol')], max_length=8)),
                ('face_value', models.DecimalField(decimal_places=2, max_digits=10)),
                ('first_number', models.PositiveIntegerField()),
                ('count', models.PositiveSmallIntegerField()),
                ('supplier', models.CharField(blank=True, max_length=120)),
                ('issued_on', models.DateField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='books', to='parc.service')),
                ('vehicle', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='books', to='parc.vehicle')),
            ],
            options={
                'ordering': ['-year', '-number'],
            },
        ),
        migrations.CreateModel(
            name='Voucher',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('number', models.PositiveIntegerField()),
                ('code', models.CharField(max_length=12, unique=True)),
                ('status', models.CharField(choices=[('issued', 'Issued'), ('used', 'Used'), ('cancelled', 'Cancelled')], default='issued', max_length=10)),
                ('book', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='vouchers', to='parc.voucherbook')),
            ],
            options={
                'ordering': ['year', 'number'],
            },
        ),
        migrations.CreateModel(
            name='VoucherCancellation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(max_length=300)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('voucher', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='cancellation', to='parc.voucher')),
            ],
        ),
        migrations.CreateModel(
            name='VoucherUse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('used_on', models.DateField()),
                ('station', models.CharField(max_length=120)),
                ('litres', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True)),
                ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True)),
                ('odometer', models.PositiveIntegerField()),
                ('full_tank', models.BooleanField(default=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('vehicle', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='fills', to='parc.vehicle')),
                ('voucher', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='use', to='parc.voucher')),
            ],
            options={
                'ordering': ['used_on', 'odometer', 'id'],
            },
        ),
        migrations.AddConstraint(
            model_name='vehicle',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['car', 'utility', 'truck', 'bus', 'motorcycle', 'machine'])), name='parc_vehicle_kind'),
        ),
        migrations.AddConstraint(
            model_name='vehicle',
            constraint=models.CheckConstraint(condition=models.Q(('fuel__in', ['diesel', 'petrol'])), name='parc_vehicle_fuel'),
        ),
        migrations.AddConstraint(
            model_name='vehicle',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['in_service', 'in_repair', 'reformed'])), name='parc_vehicle_state'),
        ),
        migrations.AddConstraint(
            model_name='vehicle',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('plate', ''), _negated=True), models.Q(('plate_ar', ''), _negated=True)), name='parc_vehicle_plates'),
        ),
        migrations.AddConstraint(
            model_name='vehicle',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('reformed_on__isnull', False), ('state', 'reformed')), models.Q(models.Q(('state', 'reformed'), _negated=True), ('reformed_on__isnull', True)), _connector='OR'), name='parc_vehicle_reformed_on'),
        ),
        migrations.AddConstraint(
            model_name='statechange',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='parc_statechange_reason'),
        ),
        migrations.AddConstraint(
            model_name='odometerreading',
            constraint=models.CheckConstraint(condition=models.Q(('value__gt', 0)), name='parc_reading_positive'),
        ),
        migrations.AddConstraint(
            model_name='odometerreading',
            constraint=models.CheckConstraint(condition=models.Q(('source__in', ['manual', 'fuel', 'maintenance', 'mission'])), name='parc_reading_source'),
        ),
        migrations.AddConstraint(
            model_name='missionorder',
            constraint=models.UniqueConstraint(fields=('year', 'number'), name='parc_mission_number'),
        ),
        migrations.AddConstraint(
            model_name='missionorder',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['issued', 'completed', 'cancelled'])), name='parc_mission_status'),
        ),
        migrations.AddConstraint(
            model_name='missionorder',
            constraint=models.CheckConstraint(condition=models.Q(('return_on__gte', models.F('depart_on'))), name='parc_mission_dates'),
        ),
        migrations.AddConstraint(
            model_name='missionorder',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('agent_name', ''), _negated=True), models.Q(('destination', ''), _negated=True), models.Q(('purpose', ''), _negated=True)), name='parc_mission_text'),
        ),
        migrations.AddConstraint(
            model_name='missionorder',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'cancelled'), _negated=True), models.Q(('cancel_reason', ''), _negated=True), _connector='OR'), name='parc_mission_cancel_reason'),
        ),
        migrations.AddConstraint(
            model_name='missionorder',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'completed'), _negated=True), ('end_odometer__isnull', False), _connector='OR'), name='parc_mission_completed_odometer'),
        ),
        migrations.AddConstraint(
            model_name='missionorder',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('closed_at__isnull', True), ('status', 'issued')), models.Q(models.Q(('status', 'issued'), _negated=True), ('closed_at__isnull', False)), _connector='OR'), name='parc_mission_closed_at'),
        ),
        migrations.AddConstraint(
            model_name='maintenance',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['service', 'repair', 'tyres', 'other'])), name='parc_maintenance_kind'),
        ),
        migrations.AddConstraint(
            model_name='maintenance',
            constraint=models.CheckConstraint(condition=models.Q(('odometer__gt', 0)), name='parc_maintenance_odometer'),
        ),
        migrations.AddConstraint(
            model_name='maintenance',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='parc_maintenance_amount'),
        ),
        migrations.AddConstraint(
            model_name='maintenance',
            constraint=models.CheckConstraint(condition=models.Q(('description', ''), _negated=True), name='parc_maintenance_description'),
        ),
        migrations.AddConstraint(
            model_name='assignment',
            constraint=models.CheckConstraint(condition=models.Q(('end_on__isnull', True), ('end_on__gte', models.F('start_on')), _connector='OR'), name='parc_assignment_dates'),
        ),
        migrations.AddConstraint(
            model_name='vehicledocument',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['insurance', 'inspection', 'vignette'])), name='parc_document_kind'),
        ),
        migrations.AddConstraint(
            model_name='vehicledocument',
            constraint=models.CheckConstraint(condition=models.Q(('valid_until__gte', models.F('valid_from'))), name='parc_document_dates'),
        ),
        migrations.AddConstraint(
            model_name='expirynotice',
            constraint=models.UniqueConstraint(fields=('document', 'days_before'), name='parc_notice_once'),
        ),
        migrations.AddConstraint(
            model_name='voucherbook',
            constraint=models.UniqueConstraint(fields=('year', 'number'), name='parc_book_number'),
        ),
        migrations.AddConstraint(
            model_name='voucherbook',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('service__isnull', True), ('vehicle__isnull', False)), models.Q(('service__isnull', False), ('vehicle__isnull', True)), _connector='OR'), name='parc_book_holder'),
        ),
        migrations.AddConstraint(
            model_name='voucherbook',
            constraint=models.CheckConstraint(condition=models.Q(('count__gte', 1), ('count__lte', 100)), name='parc_book_count'),
        ),
        migrations.AddConstraint(
            model_name='voucherbook',
            constraint=models.CheckConstraint(condition=models.Q(('face_value__gt', 0)), name='parc_book_face_value'),
        ),
        migrations.AddConstraint(
            model_name='voucherbook',
            constraint=models.CheckConstraint(condition=models.Q(('fuel__in', ['diesel', 'petrol'])), name='parc_book_fuel'),
        ),
        migrations.AddConstraint(
            model_name='voucher',
            constraint=models.UniqueConstraint(fields=('year', 'number'), name='parc_voucher_number'),
        ),
        migrations.AddConstraint(
            model_name='voucher',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['issued', 'used', 'cancelled'])), name='parc_voucher_status'),
        ),
        migrations.AddConstraint(
            model_name='vouchercancellation',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='parc_cancellation_reason'),
        ),
        migrations.AddConstraint(
            model_name='voucheruse',
            constraint=models.CheckConstraint(condition=models.Q(('litres__isnull', False), ('amount__isnull', False), _connector='OR'), name='parc_use_litres_or_amount'),
        ),
        migrations.AddConstraint(
            model_name='voucheruse',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('litres__isnull', True), ('litres__gt', 0), _connector='OR'), models.Q(('amount__isnull', True), ('amount__gt', 0), _connector='OR')), name='parc_use_positive'),
        ),
        migrations.AddConstraint(
            model_name='voucheruse',
            constraint=models.CheckConstraint(condition=models.Q(('odometer__gt', 0)), name='parc_use_odometer'),
        ),
        migrations.AddConstraint(
            model_name='voucheruse',
            constraint=models.CheckConstraint(condition=models.Q(('station', ''), _negated=True), name='parc_use_station'),
        ),
    ]
